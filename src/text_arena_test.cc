#include "text_arena.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace residency {
namespace {

TEST_CASE("a TextArena's texts stay where they are as it grows") {
  TextArena arena;
  CHECK(arena.Add("").empty());
  CHECK(arena.blocks() == 0);
  std::vector<std::string> want;
  std::vector<std::string_view> got;
  // ~3 MiB of texts of every length up to 4 KiB: several blocks of the arena's own.
  for (size_t i = 0; i < 1500; ++i) {
    want.push_back(std::string(i % 4096 + 1, static_cast<char>('a' + i % 26)) + std::to_string(i));
    got.push_back(arena.Add(want.back()));
  }
  CHECK(arena.blocks() > 3);
  for (size_t i = 0; i < want.size(); ++i) CHECK(got[i] == want[i]);
  // A text longer than any block gets a block of its size.
  std::string long_text(5 << 20, 'z');
  CHECK(arena.Add(long_text) == long_text);
  for (size_t i = 0; i < want.size(); ++i) CHECK(got[i] == want[i]);
}

TEST_CASE("a TextArena fills memory given to it before any of its own") {
  TextArena arena;
  std::string small(100, 's');
  arena.Give(small);  // under kMinGiven: not taken
  CHECK(arena.blocks() == 0);
  std::string memory;
  memory.reserve(TextArena::kMinGiven);
  memory = "the manifest's text";
  const char* begin = memory.data();
  size_t capacity = memory.capacity();
  arena.Give(std::move(memory));
  CHECK(arena.blocks() == 1);
  std::string_view a = arena.Add("first");
  std::string_view b = arena.Add("second");
  CHECK(a.data() == begin);  // overwritten from its start
  CHECK(b.data() == begin + 5);
  CHECK(a == "first");
  CHECK(b == "second");
  // Past the given block's end: a block of the arena's own, the texts before unmoved.
  std::string big(capacity, 'b');
  std::string_view c = arena.Add(big);
  CHECK(c == big);
  CHECK((c.data() < begin || c.data() >= begin + capacity));
  CHECK(arena.blocks() == 2);
  CHECK(a == "first");
}

}  // namespace
}  // namespace residency
