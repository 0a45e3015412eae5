// SHA-256 with OpenSSL, as lower-case hex: the evidence hashes of manifests and databases.
#ifndef RESIDENCY_HASH_H_
#define RESIDENCY_HASH_H_

#include <string>
#include <string_view>

#include "status.h"

namespace residency {

std::string Sha256Hex(std::string_view data);

// Hashes a file as it streams, without holding it in memory.
Status Sha256File(const std::string& path, std::string* hex);

}  // namespace residency

#endif  // RESIDENCY_HASH_H_
