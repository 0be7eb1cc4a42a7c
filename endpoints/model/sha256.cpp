// SHA-256 of the idempotency fingerprints, from OpenSSL's libcrypto (FIPS 180-4, the same 32
// bytes everywhere): a well-kept library rather than a hand-written compression function.
#include <openssl/evp.h>

#include <array>
#include <new>
#include <string>
#include <string_view>

#include "c12s/model/idempotency.h"

namespace c12s::model {

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  // EVP_Digest fails only when it cannot allocate its context.
  if (EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1)
    throw std::bad_alloc();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * size);
  for (unsigned int i = 0; i < size; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0f]);
  }
  return out;
}

}  // namespace c12s::model
