// TextArena: many short texts kept one after another in a few large blocks, instead of a
// heap block each. A verify run of a million endpoints keeps ~420,000 findings' messages
// (~55 MB) to the end; in an arena whose first block is memory the process has already
// used (Give: the manifest's text after the parse), they take no memory new to the process
// (docs/performance.md).
#ifndef RESIDENCY_TEXT_ARENA_H_
#define RESIDENCY_TEXT_ARENA_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace residency {

class TextArena {
 public:
  TextArena() = default;
  TextArena(const TextArena&) = delete;
  TextArena& operator=(const TextArena&) = delete;

  // A copy of `text`, held by the arena for its life: it never moves.
  std::string_view Add(std::string_view text);
  // Takes `memory` (its capacity; its bytes are overwritten) as the next block to fill,
  // when it is at least kMinGiven bytes.
  void Give(std::string memory);
  size_t blocks() const { return blocks_.size() + given_.size(); }

  static constexpr size_t kMinGiven = 64 << 10;

 private:
  // Blocks of their own start at 64 KiB and double up to 4 MiB.
  static constexpr size_t kFirstBlock = 64 << 10, kLargestBlock = 4 << 20;

  // Each block's size() is its capacity, and its buffer is on the heap (never in the
  // string itself: no block is small), so moving a block never moves its texts.
  std::vector<std::string> blocks_;  // the last one is being filled
  std::vector<std::string> given_;   // to fill next, before any block of its own
  size_t used_ = 0;                  // of the last block
};

}  // namespace residency

#endif  // RESIDENCY_TEXT_ARENA_H_
