#include "status.h"

#include <doctest/doctest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace residency {
namespace {

// ReadFile reserves a regular file's size and makes the buffer's pages present before it
// reads (PopulateForWrite): what it returns must be the file's bytes, whatever the size.
TEST_CASE("ReadFile returns a file's bytes, small, page-sized and large") {
  char dir[] = "/tmp/residency-status-XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  for (size_t size : {size_t{0}, size_t{1}, size_t{4095}, size_t{4096}, size_t{4097}, size_t{65536 + 3},
                      size_t{3 << 20} + 17}) {
    CAPTURE(size);
    std::string want(size, '\0');
    for (size_t i = 0; i < size; ++i) want[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
    std::string path = std::string(dir) + "/f" + std::to_string(size);
    std::ofstream(path, std::ios::binary) << want;
    std::string got = "left over from before";
    REQUIRE(ReadFile(path, &got).ok());
    CHECK(got.size() == want.size());
    CHECK(got == want);
  }
  std::string got;
  Status missing = ReadFile(std::string(dir) + "/none", &got);
  CHECK(missing.kind() == Status::Kind::kNotFound);
  Status directory = ReadFile(dir, &got);
  CHECK_FALSE(directory.ok());
  CHECK(directory.message().find("is a directory") != std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace residency
