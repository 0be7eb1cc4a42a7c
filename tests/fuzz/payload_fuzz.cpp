// Fuzz target: bytes as the payload of each message of every_sort.gtype, through the decoder that
// `gtype gen` writes for it (gtype::gen::unpack_payload, as the generated states and the
// monitor's MessageSpec::payload_valid call it).
//
// Besides "never crash", it checks what the decoder promises: the direct reader and msgpack-c
// read alike, and a payload that decodes packs back to bytes that decode and pack to the same
// bytes (packing is canonical).
#include <cassert>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_sorts.h"

namespace {

namespace sorts = gtype_gen::every_sort;

template <typename... T>
void check_payload(std::string_view bytes) {
  const std::optional<std::tuple<T...>> values = gtype::gen::unpack_payload<T...>(bytes);
  if (!values) return;
  const std::string packed = gtype::gen::pack_payload_tuple(*values);
  const std::optional<std::tuple<T...>> again = gtype::gen::unpack_payload<T...>(packed);
  assert(again.has_value());
  assert(gtype::gen::pack_payload_tuple(*again) == packed);
}

// The direct reader takes plain values only; where it takes a payload, msgpack-c must read it
// to the same values (compared packed, so that a NaN equals itself).
void check_direct_matches_generic(std::string_view bytes) {
  using Plain = std::tuple<std::int64_t, std::uint64_t, double, bool, std::string>;
  const auto direct = gtype::gen::detail::unpack_direct<std::int64_t, std::uint64_t, double, bool, std::string>(
      bytes, std::index_sequence_for<std::int64_t, std::uint64_t, double, bool, std::string>());
  if (!direct) return;
  const std::optional<Plain> generic =
      gtype::gen::detail::unpack_generic<std::int64_t, std::uint64_t, double, bool, std::string>(bytes);
  assert(generic.has_value());
  assert(gtype::gen::pack_payload_tuple(*direct) == gtype::gen::pack_payload_tuple(*generic));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // The generated message table: what the monitor checks every arriving payload with.
  for (const gtype::rt::MessageSpec& message : sorts::detail::kMessages) message.payload_valid(bytes);
  check_payload<std::int64_t, std::uint64_t, double, bool, std::string, std::vector<std::uint8_t>>(bytes);
  check_payload<sorts::Leaf>(bytes);
  check_payload<sorts::Tree, sorts::Count>(bytes);
  check_payload<sorts::Tables, sorts::Uuid>(bytes);
  check_payload<std::vector<std::int64_t>, std::map<std::string, double>, std::optional<std::string>,
                std::vector<sorts::Leaf>>(bytes);
  check_payload<>(bytes);
  check_direct_matches_generic(bytes);
  return 0;
}
