#include "hash.h"

// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, but they are the
// same code (SHA-NI where the CPU has it) without EVP's first-use cost: the first EVP digest
// of a process loads the default provider and fetches the algorithm, ~1 ms of the 10k
// manifest's ~9 ms parse stage, spent on a third thread competing for two cores.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace residency {
namespace {

std::string Hex(const unsigned char* md, size_t len) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(2 * len, '0');
  for (size_t i = 0; i < len; ++i) {
    out[2 * i] = kDigits[md[i] >> 4];
    out[2 * i + 1] = kDigits[md[i] & 15];
  }
  return out;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256_Final(md, &ctx);
  return Hex(md, sizeof md);
}

Status Sha256File(const std::string& path, std::string* hex) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return Status::IoError(path + ": " + std::strerror(errno));
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  unsigned char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) SHA256_Update(&ctx, buf, n);
  if (std::ferror(f.get())) return Status::IoError(path + ": read error");
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256_Final(md, &ctx);
  *hex = Hex(md, sizeof md);
  return Status::Ok();
}

}  // namespace residency
