// JsonSource: a JSON file parsed into a RapidJSON DOM that remembers where every value and
// every object key came from, so that errors, findings and SARIF results can point at the
// line and column. RapidJSON's DOM keeps no positions; a SAX pass over a stream that notes
// where each token starts fills a side table, in the same pre-order as the DOM.
//
// Parsing is iterative (kParseIterativeFlag) and nesting is capped at kMaxJsonDepth, so a
// 100,000-deep array is an error, not a stack overflow. The text must be valid UTF-8 and
// hold no NUL byte; duplicate keys in an object are an error (a duplicate would silently
// drop a declaration).
//
// The JsonSource owns the text and the DOM; Value pointers from doc() stay valid for its
// life. Not copyable; movable.
#ifndef RESIDENCY_JSON_SOURCE_H_
#define RESIDENCY_JSON_SOURCE_H_

#include <rapidjson/document.h>

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

  // Parses `text` as the contents of `path`. On failure returns false and fills *error
  // (never throws, whatever the bytes).
  bool Parse(std::string path, std::string text, Diagnostic* error);

  const rapidjson::Document& doc() const { return *doc_; }
  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }

  // Where `value` (a value or an object key inside doc()) starts; unknown for others.
  SourcePos PosOf(const rapidjson::Value* value) const;
  SourcePos PosAt(size_t offset) const;

  // A diagnostic located at `value` (nullptr: the document start).
  Diagnostic At(const rapidjson::Value* value, std::string pointer, std::string message) const;

  // The value at a JSON pointer ("" is the root), or nullptr.
  const rapidjson::Value* Find(std::string_view pointer) const;

 private:
  size_t OffsetOf(const rapidjson::Value* value, bool* found) const;
  Diagnostic AtOffset(size_t offset, std::string pointer, std::string message) const;
  bool IndexPositions(Diagnostic* error);
  // Calls visit(value, offset) for every value and key in DOM pre-order.
  template <typename Visit>
  void Walk(Visit visit) const;
  std::string PointerOf(const rapidjson::Value* target) const;

  std::string path_;
  std::string text_;
  std::unique_ptr<rapidjson::Document> doc_ = std::make_unique<rapidjson::Document>();
  // Start offset of every value and key, in DOM pre-order (as the SAX events came).
  std::vector<uint32_t> offsets_;
  // Objects and arrays by address, sorted: what the model asks for on the success path. Every other
  // value is looked up in all_positions_, built on first need (an error path); a
  // JsonSource is therefore not to be shared between threads.
  std::vector<std::pair<const void*, uint32_t>> object_positions_;
  mutable std::vector<std::pair<const void*, uint32_t>> all_positions_;
  std::vector<uint32_t> line_starts_;                        // offset of each line's start
  // Code points before each kCheckpoint-byte block of the text, so that a column costs at
  // most one block's scan even on a one-line file of many megabytes.
  static constexpr size_t kCheckpoint = 256;
  std::vector<uint32_t> code_points_before_;
  uint32_t CodePointsBefore(size_t offset) const;
};

// JSON pointer text for a path of keys and indices, escaped per RFC 6901.
std::string PointerAppend(const std::string& base, std::string_view key);
std::string PointerAppend(const std::string& base, size_t index);

}  // namespace residency

#endif  // RESIDENCY_JSON_SOURCE_H_
