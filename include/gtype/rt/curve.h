// Encrypted, authenticated transports: CURVE key pairs, keyed addresses, and the authority that
// admits peers.
//
// A CURVE transport (ZmqOptions::curve) has one key pair. Its address carries its public key,
// "tcp://host:port#KEY" (KEY: the 40 characters of Z85), so an address says whom it reaches:
// a peer connecting there checks that the process it reached holds KEY's secret, and the
// transport that receives a frame checks that its sender's address names the key the sender
// authenticated with. Addresses travel in directories, system maps and payloads like any other,
// and keys with them.
//
// Who may connect at all is the authority's decision (admit), made once per connection during
// the handshake: a refused key gets no connection, so none of its frames is ever read. An
// admitted key speaks for a principal (a name the authority gives it: "node:node-5"); every
// frame carries its sender's principal (TransportEvent::principal), and endpoints may restrict
// which principals play which roles (EndpointOptions::authorize).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gtype/status.h"

namespace gtype::rt {

inline constexpr std::size_t kCurveKeyChars = 40;  // Z85 of a 32-byte key

struct CurveKeyPair {
  std::string public_key;  // Z85
  std::string secret_key;  // Z85
};

// A fresh key pair (libsodium's random source, through ZeroMQ).
Result<CurveKeyPair> generate_curve_key_pair();
// The pair of a secret key; kConfig if `secret_key` is not 40 characters of Z85.
Result<CurveKeyPair> curve_key_pair_from_secret(std::string_view secret_key);
// Whether `key` is 40 characters of Z85.
bool is_curve_key(std::string_view key);

// Key files: one line, the Z85 key. A secret key file is written 0600 (created anew; an
// existing file is replaced atomically), and refused when reading if others may read it.
Status save_curve_secret_key(const std::string& path, const CurveKeyPair& pair);
Result<CurveKeyPair> load_curve_secret_key(const std::string& path);
Status save_curve_public_key(const std::string& path, std::string_view public_key);
Result<std::string> load_curve_public_key(const std::string& path);

// "endpoint#KEY" for a CURVE transport's address, the endpoint alone for a plaintext one.
struct KeyedAddress {
  std::string endpoint;  // what ZeroMQ binds or connects: tcp://host:port, ipc://path
  std::string key;       // Z85, or empty: plaintext
};
KeyedAddress split_keyed_address(std::string_view address);
std::string keyed_address(std::string_view endpoint, std::string_view key);

// Decides who may connect to a CURVE transport. Called on the transport's thread only.
class KeyAuthority {
 public:
  virtual ~KeyAuthority() = default;
  // The principal `public_key` (Z85) speaks for, or nullopt to refuse the connection.
  virtual std::optional<std::string> admit(std::string_view public_key) = 0;
  // Told of each connection or frame the transport refused, and why (to be logged).
  virtual void refused(const std::string& why) { (void)why; }
};

}  // namespace gtype::rt
