#include "text_arena.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace residency {

std::string_view TextArena::Add(std::string_view text) {
  if (text.empty()) return {};
  if (blocks_.empty() || blocks_.back().size() - used_ < text.size()) {
    // The next given block that can hold it (a smaller one is kept for smaller texts), else
    // a block of its own.
    auto given = std::find_if(given_.begin(), given_.end(), [&](const std::string& b) { return b.size() >= text.size(); });
    if (given != given_.end()) {
      blocks_.push_back(std::move(*given));
      given_.erase(given);
    } else {
      size_t size = kFirstBlock;
      for (size_t n = 0; n < blocks_.size() && size < kLargestBlock; ++n) size *= 2;
      blocks_.emplace_back(std::max(size, text.size()), '\0');
    }
    used_ = 0;
  }
  char* at = blocks_.back().data() + used_;
  std::memcpy(at, text.data(), text.size());
  used_ += text.size();
  return std::string_view(at, text.size());
}

void TextArena::Give(std::string memory) {
  if (memory.capacity() < kMinGiven) return;
  memory.resize(memory.capacity());  // its whole buffer, as the block's size
  given_.push_back(std::move(memory));
}

}  // namespace residency
