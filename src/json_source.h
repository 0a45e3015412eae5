// JsonSource: a JSON file parsed into a RapidJSON DOM that remembers where every value and
// every object key came from, so that errors, findings and SARIF results can point at the
// line and column. RapidJSON's DOM keeps no positions, so a side table holds them, in the
// same pre-order as the DOM.
//
// What is paid for up front is only what a reader asks for on the success path: the start of
// every object and array, noted during a plain parse. The start of any other value or key
// (an error path) comes from a second, slower pass that notes where every token starts, run
// on the first such question; line and column come from a newline index built on the first
// question about a position. A text that fails the fast parse is parsed again the careful
// way, so that an error's message and position do not depend on which parse found it.
//
// Parsing is iterative (kParseIterativeFlag) and nesting is capped at kMaxJsonDepth, so a
// 100,000-deep array is an error, not a stack overflow. The text must be valid UTF-8 and
// hold no NUL byte; duplicate keys in an object are an error (a duplicate would silently
// drop a declaration).
//
// The JsonSource owns the text and the DOM; Value pointers from doc() stay valid for its
// life. Not copyable; movable. After a successful Parse, PosOf and At of an object only
// read, so several threads may ask them at once; a question about any other value may
// build an index on first need, and must not race with another question.
#ifndef RESIDENCY_JSON_SOURCE_H_
#define RESIDENCY_JSON_SOURCE_H_

#include <rapidjson/document.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "diagnostic.h"

namespace residency {

inline constexpr int kMaxJsonDepth = 64;

class JsonSource {
 public:
  JsonSource() = default;
  JsonSource(JsonSource&&) noexcept = default;
  JsonSource& operator=(JsonSource&&) noexcept = default;
  JsonSource(const JsonSource&) = delete;
  JsonSource& operator=(const JsonSource&) = delete;

  // Takes the elements of chosen arrays during the parse, as SAX events, in place of the
  // DOM, which then holds each such array empty: a reader of a million endpoints builds its
  // model from them with no DOM between (RapidJSON's DOM costs more than its parse). Only
  // the fast parse offers arrays to a tap. Any call may give up (return false): the text is
  // then parsed again without the tap, Abandon() is called, and every array is in the DOM.
  // Strings passed to a tap live only for the call.
  class Tap {
   public:
    // One step of the path from the root to an array: an object key or an array index.
    struct Step {
      bool is_index = false;
      size_t index = 0;
      std::string_view key;
    };
    // Only arrays at most this many steps from the root are offered.
    static constexpr size_t kMaxSteps = 3;

    virtual ~Tap() = default;
    // Whether to take the elements of the array that opens at `path` (offset of its '[').
    virtual bool Take(const std::vector<Step>& path, size_t offset) = 0;
    // The events inside the taken array, as RapidJSON's handler gets them; `offset` is
    // that of the bracket. Scalar is any number, true, false or null.
    virtual bool StartObject(size_t offset) = 0;
    virtual bool EndObject() = 0;
    virtual bool StartArray(size_t offset) = 0;
    virtual bool EndArray() = 0;
    virtual bool Key(std::string_view key) = 0;
    virtual bool String(std::string_view s) = 0;
    virtual bool Scalar() = 0;
    // The taken array has closed.
    virtual bool Close() = 0;
    // The parse has ended well (the last call of a parse that took arrays).
    virtual bool End() = 0;
    // The parse with the tap failed or was given up: forget what was taken.
    virtual void Abandon() = 0;
  };

  // Parses `text` as the contents of `path`. On failure returns false and fills *error
  // (never throws, whatever the bytes). With a tap (see above), tapped() tells whether it
  // took its arrays; if it did, positions are known only for objects and arrays (PosOf of
  // anything else is unknown, as the text and the DOM no longer hold the same values): a
  // reader that meets an error should parse again without the tap to word it.
  bool Parse(std::string path, std::string text, Diagnostic* error, Tap* tap = nullptr);
  // The same in two steps, for a caller that works on the text (hashes it, say) while it
  // is parsed, or parses it again: text() is set by SetText and stays until TakeText.
  void SetText(std::string path, std::string text);
  bool Parse(Diagnostic* error, Tap* tap = nullptr);
  bool tapped() const { return tapped_; }

  const rapidjson::Document& doc() const { return *doc_; }
  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  // The text, moved out: for its memory once nothing reads this object any more.
  std::string TakeText() { return std::move(text_); }

  // Where `value` (a value or an object key inside doc()) starts; unknown for others.
  // Thread-safety: see above.
  SourcePos PosOf(const rapidjson::Value* value) const;
  SourcePos PosAt(size_t offset) const;

  // A diagnostic located at `value` (nullptr: the document start).
  Diagnostic At(const rapidjson::Value* value, std::string pointer, std::string message) const;

  // The value at a JSON pointer ("" is the root), or nullptr.
  const rapidjson::Value* Find(std::string_view pointer) const;

 private:
  size_t OffsetOf(const rapidjson::Value* value, bool* found) const;
  Diagnostic AtOffset(size_t offset, std::string pointer, std::string message) const;
  bool ParseFast(Tap* tap);
  bool ParseCareful(Diagnostic* error);
  bool IndexPositions(Diagnostic* error);
  void IndexLines() const;
  void IndexAllPositions() const;
  // Calls visit(value, offset) in DOM pre-order for every object and array, or (all) for
  // every value and key, taking offsets from `offsets` in turn.
  template <typename Visit>
  void Walk(bool all, const std::vector<uint32_t>& offsets, Visit visit) const;
  std::string PointerOf(const rapidjson::Value* target) const;

  std::string path_;
  std::string text_;
  bool ascii_ = true;  // no byte >= 0x80: a column is a byte count
  bool parsed_ = false;  // doc_ holds the text's document
  bool tapped_ = false;  // a tap took arrays out of doc_
  std::unique_ptr<rapidjson::Document> doc_ = std::make_unique<rapidjson::Document>();
  // Start offsets in DOM pre-order: of objects and arrays only after the fast parse
  // (offsets_cover_all_ false), of every value and key after the careful one.
  std::vector<uint32_t> offsets_;
  bool offsets_cover_all_ = false;
  // What readers ask for on the success path: where objects, and arrays that hold an object
  // or an array, start. RapidJSON keeps the children of an object or array in one
  // contiguous block, so a value is found by its address: the block it lies in (sorted by
  // address), then its slot. A block is kept only for a container that has such a child,
  // so a million endpoints with a "data" array each make one block per endpoints array, not
  // two million entries to sort. Every other value (arrays of scalars, scalars, keys) is
  // looked up in all_positions_, built on first need (an error path). The lazy members
  // make a JsonSource unfit to be shared between threads.
  struct Block {
    uintptr_t first;   // address of the first child value
    uint32_t stride;   // bytes from one child value to the next
    uint32_t count;    // children
    uint32_t slots;    // index of the first child's offset in child_offsets_
  };
  static constexpr uint32_t kNoOffset = UINT32_MAX;
  bool FindContainer(const rapidjson::Value* value, uint32_t* offset) const;
  uint32_t root_offset_ = 0;
  std::vector<Block> blocks_;
  std::vector<uint32_t> child_offsets_;  // kNoOffset for children not indexed
  mutable std::vector<std::pair<const void*, uint32_t>> all_positions_;
  mutable std::vector<uint32_t> line_starts_;  // offset of each line's start; empty until asked
  // Code points before each kCheckpoint-byte block of the text, so that a column costs at
  // most one block's scan even on a one-line file of many megabytes. Not needed (empty)
  // when the text is ASCII.
  static constexpr size_t kCheckpoint = 256;
  mutable std::vector<uint32_t> code_points_before_;
  uint32_t CodePointsBefore(size_t offset) const;
};

// JSON pointer text for a path of keys and indices, escaped per RFC 6901.
std::string PointerAppend(const std::string& base, std::string_view key);
std::string PointerAppend(const std::string& base, size_t index);

}  // namespace residency

#endif  // RESIDENCY_JSON_SOURCE_H_
