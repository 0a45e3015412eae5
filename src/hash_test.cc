// SHA-256 against the known answers of FIPS 180-2 (appendix B) and the empty message, in
// memory and from a file, including a message longer than one 64 KiB read.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "geo_fixtures_test.h"
#include "hash.h"

namespace residency {
namespace {

TEST_CASE("Sha256Hex: known answers") {
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(Sha256Hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("Sha256File: the same as in memory, across reads; a missing file is an error") {
  std::string path = testing::WriteTempFile("a-million-a", std::string(1000000, 'a'));
  std::string hex;
  REQUIRE(Sha256File(path, &hex).ok());
  CHECK(hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  std::remove(path.c_str());
  Status s = Sha256File(path, &hex);
  CHECK(!s.ok());
  CHECK(s.message().find(path) != std::string::npos);
}

}  // namespace
}  // namespace residency
