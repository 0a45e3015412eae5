#include "json_source.h"

#include <rapidjson/error/en.h>
#include <rapidjson/pointer.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace residency {
namespace {

using rapidjson::Value;

// A RapidJSON input stream over a byte range that notes the offset at which the latest
// scalar or key token starts (brackets are noted by the handler). It follows strings and escapes so that a ',' or '['
// inside a string is not mistaken for structure.
class PositionStream {
 public:
  using Ch = char;
  PositionStream(const char* data, size_t size) : data_(data), size_(size) {}

  Ch Peek() const { return pos_ < size_ ? data_[pos_] : '\0'; }
  Ch Take() {
    if (pos_ >= size_) return '\0';
    char c = data_[pos_];
    Note(c);
    ++pos_;
    return c;
  }
  size_t Tell() const { return pos_; }
  size_t token_start() const { return token_start_; }

  // Output functions the reader never calls on an input stream.
  Ch* PutBegin() { return nullptr; }
  void Put(Ch) {}
  void Flush() {}
  size_t PutEnd(Ch*) { return 0; }

 private:
  void Note(char c) {
    if (in_string_) {
      if (escape_) {
        escape_ = false;
      } else if (c == '\\') {
        escape_ = true;
      } else if (c == '"') {
        in_string_ = false;
      }
      return;
    }
    switch (c) {
      case '"':
        in_string_ = true;
        token_start_ = pos_;
        boundary_ = false;
        break;
      case ' ': case '{': case '[': case '\t': case '\n': case '\r': case ',': case ':': case ']': case '}':
        boundary_ = true;
        break;
      default:  // a number or literal character
        if (boundary_) token_start_ = pos_;
        boundary_ = false;
    }
  }

  const char* data_;
  size_t size_;
  size_t pos_ = 0;
  size_t token_start_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  bool boundary_ = true;
};

// Records each token's start offset in the order the DOM holds the values (pre-order, keys
// before their values) and forwards the SAX events to the Document, if there is one (none
// when only the offsets are wanted, the DOM being built already).
class RecordingHandler {
 public:
  RecordingHandler(rapidjson::Document* doc, const PositionStream* stream,
                   std::vector<uint32_t>* offsets)
      : doc_(doc), stream_(stream), offsets_(offsets) {}

  bool Null() { Note(); return !doc_ || doc_->Null(); }
  bool Bool(bool b) { Note(); return !doc_ || doc_->Bool(b); }
  bool Int(int i) { Note(); return !doc_ || doc_->Int(i); }
  bool Uint(unsigned u) { Note(); return !doc_ || doc_->Uint(u); }
  bool Int64(int64_t i) { Note(); return !doc_ || doc_->Int64(i); }
  bool Uint64(uint64_t u) { Note(); return !doc_ || doc_->Uint64(u); }
  bool Double(double d) { Note(); return !doc_ || doc_->Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) { Note(); return !doc_ || doc_->RawNumber(s, n, copy); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { Note(); return !doc_ || doc_->String(s, n, copy); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { Note(); return !doc_ || doc_->Key(s, n, copy); }
  // In iterative mode the reader calls StartObject/StartArray before it takes the bracket,
  // so the stream stands on it.
  bool StartObject() { NoteHere(); return Deeper() && (!doc_ || doc_->StartObject()); }
  bool EndObject(rapidjson::SizeType n) { --depth_; return !doc_ || doc_->EndObject(n); }
  bool StartArray() { NoteHere(); return Deeper() && (!doc_ || doc_->StartArray()); }
  bool EndArray(rapidjson::SizeType n) { --depth_; return !doc_ || doc_->EndArray(n); }

  bool too_deep() const { return too_deep_; }
  size_t too_deep_offset() const { return too_deep_offset_; }

 private:
  void Note() { offsets_->push_back(static_cast<uint32_t>(stream_->token_start())); }
  void NoteHere() { offsets_->push_back(static_cast<uint32_t>(stream_->Tell())); }
  bool Deeper() {
    if (++depth_ <= kMaxJsonDepth) return true;
    too_deep_ = true;
    too_deep_offset_ = stream_->Tell();
    return false;
  }

  rapidjson::Document* doc_;
  const PositionStream* stream_;
  std::vector<uint32_t>* offsets_;
  int depth_ = 0;
  bool too_deep_ = false;
  size_t too_deep_offset_ = 0;
};

// The fast parse's handler: forwards to the Document and notes only where each object and
// array starts. The recursive reader calls StartObject/StartArray after taking the bracket.
// Too deep a nesting just fails: the careful parse then words the error.
//
// With a tap, it also keeps the path to the open containers up to Tap::kMaxSteps deep, offers
// the tap each array that opens there, and sends the events inside a taken array to the tap
// (the Document gets the array empty; nothing inside it is noted).
class ContainerHandler {
 public:
  using Tap = JsonSource::Tap;
  ContainerHandler(rapidjson::Document* doc, const rapidjson::StringStream* stream,
                   std::vector<uint32_t>* offsets, Tap* tap)
      : doc_(doc), stream_(stream), offsets_(offsets), tap_(tap) {}

  bool Null() { return taken_ ? tap_->Scalar() : (Element(), doc_->Null()); }
  bool Bool(bool b) { return taken_ ? tap_->Scalar() : (Element(), doc_->Bool(b)); }
  bool Int(int i) { return taken_ ? tap_->Scalar() : (Element(), doc_->Int(i)); }
  bool Uint(unsigned u) { return taken_ ? tap_->Scalar() : (Element(), doc_->Uint(u)); }
  bool Int64(int64_t i) { return taken_ ? tap_->Scalar() : (Element(), doc_->Int64(i)); }
  bool Uint64(uint64_t u) { return taken_ ? tap_->Scalar() : (Element(), doc_->Uint64(u)); }
  bool Double(double d) { return taken_ ? tap_->Scalar() : (Element(), doc_->Double(d)); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return taken_ ? tap_->Scalar() : (Element(), doc_->RawNumber(s, n, copy));
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return taken_ ? tap_->String(std::string_view(s, n)) : (Element(), doc_->String(s, n, copy));
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    if (taken_) return tap_->Key(std::string_view(s, n));
    if (tap_ && !path_.empty() && depth_ == static_cast<int>(path_.size())) path_.back().key.assign(s, n);
    return doc_->Key(s, n, copy);
  }
  bool StartObject() {
    if (taken_) return ++taken_, Deeper() && tap_->StartObject(stream_->Tell() - 1);
    Element();
    return Open() && doc_->StartObject() && Push(false);
  }
  bool EndObject(rapidjson::SizeType n) {
    if (taken_) return --taken_, --depth_, tap_->EndObject();
    Pop();
    --depth_;
    return doc_->EndObject(n);
  }
  bool StartArray() {
    if (taken_) return ++taken_, Deeper() && tap_->StartArray(stream_->Tell() - 1);
    Element();
    if (!Open() || !doc_->StartArray()) return false;
    if (tap_ && static_cast<size_t>(depth_ - 1) <= Tap::kMaxSteps && depth_ - 1 == static_cast<int>(path_.size())) {
      steps_.clear();
      for (const Level& l : path_) {
        steps_.push_back(l.array ? Tap::Step{true, l.count - 1, {}} : Tap::Step{false, 0, l.key});
      }
      if (tap_->Take(steps_, stream_->Tell() - 1)) {
        taken_ = 1;
        return true;
      }
    }
    return Push(true);
  }
  bool EndArray(rapidjson::SizeType n) {
    if (taken_ > 1) return --taken_, --depth_, tap_->EndArray();
    if (taken_ == 1) {
      taken_ = 0;
      --depth_;
      return tap_->Close() && doc_->EndArray(0);
    }
    Pop();
    --depth_;
    return doc_->EndArray(n);
  }

 private:
  // An open container on the path from the root, while the path is short enough to offer.
  struct Level {
    bool array = false;
    size_t count = 0;  // elements begun so far (an array)
    std::string key;   // the latest key (an object)
  };

  bool Open() {
    offsets_->push_back(static_cast<uint32_t>(stream_->Tell() - 1));
    return Deeper();
  }
  bool Deeper() { return ++depth_ <= kMaxJsonDepth; }
  // A value begins: in an array on the path, it is the next element.
  void Element() {
    if (tap_ && !path_.empty() && depth_ == static_cast<int>(path_.size()) && path_.back().array) ++path_.back().count;
  }
  // After Open: the container joins the path if it is short enough.
  bool Push(bool array) {
    if (tap_ && static_cast<size_t>(depth_) <= Tap::kMaxSteps && depth_ - 1 == static_cast<int>(path_.size())) {
      path_.push_back(Level{array, 0, {}});
    }
    return true;
  }
  // Before the depth falls: the closing container leaves the path.
  void Pop() {
    if (tap_ && !path_.empty() && depth_ == static_cast<int>(path_.size())) path_.pop_back();
  }

  rapidjson::Document* doc_;
  const rapidjson::StringStream* stream_;
  std::vector<uint32_t>* offsets_;
  Tap* tap_;
  int depth_ = 0;
  std::vector<Level> path_;
  std::vector<Tap::Step> steps_;
  int taken_ = 0;  // containers open inside (and including) a taken array
};

// Not kParseFullPrecisionFlag: RapidJSON 1.1's full-precision path calls
// __builtin_clzll(0) (undefined behaviour) on a number whose digits are all zeros with a
// large exponent, such as 0e93 (found by fuzz/manifest_fuzz; regression 001). No value
// residency reads needs the last bit of a double.
constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag |
                                 rapidjson::kParseValidateEncodingFlag;

// Whether every byte is below 0x80, eight at a time. An ASCII text is valid UTF-8, so the
// fast parse can skip the encoding check, and a column is a byte count.
bool IsAscii(std::string_view s) {
  uint64_t any = 0;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    any |= word;
  }
  for (; i < s.size(); ++i) any |= static_cast<unsigned char>(s[i]);
  return (any & 0x8080808080808080ull) == 0;
}

// Whether a UTF-8 lead byte among the last three announces more bytes than the text holds.
bool CutSequenceAtEnd(std::string_view s) {
  for (size_t i = s.size() >= 3 ? s.size() - 3 : 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    if (i + len > s.size()) return true;
  }
  return false;
}

// Replaces what a terminal should not be sent raw (control bytes, invalid UTF-8) by '?'.
std::string Printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += (c < 0x20 || c == 0x7f) ? (c == '\t' ? ' ' : '?') : static_cast<char>(c);
      ++i;
      continue;
    }
    size_t len = (c >= 0xf0 && c <= 0xf4) ? 4 : (c >= 0xe0) ? 3 : (c >= 0xc2 && c < 0xe0) ? 2 : 0;
    bool ok = len != 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += '?';
      ++i;
    }
  }
  return out;
}

size_t CodePoints(std::string_view s) {
  // Bytes less continuation bytes (10xxxxxx), eight at a time.
  size_t continuation = 0, i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    continuation += static_cast<size_t>(__builtin_popcountll(word & ~(word << 1) & 0x8080808080808080ull));
  }
  for (; i < s.size(); ++i) continuation += (static_cast<unsigned char>(s[i]) & 0xc0) == 0x80;
  return s.size() - continuation;
}

// RapidJSON's message, made specific where the byte at the error names a common mistake.
std::string ParseErrorText(const std::string& text, const rapidjson::ParseResult& result) {
  size_t at = result.Offset();
  std::string generic = rapidjson::GetParseError_En(result.Code());
  // The reader reports a raw control character in a string at the string's position or
  // just past it; look for one between the last quote and the error.
  if (result.Code() == rapidjson::kParseErrorStringEscapeInvalid ||
      result.Code() == rapidjson::kParseErrorStringInvalidEncoding ||
      result.Code() == rapidjson::kParseErrorStringMissQuotationMark) {
    for (size_t i = std::min(at + 1, text.size()); i > 0 && at + 1 - i < 4096; --i) {
      unsigned char c = static_cast<unsigned char>(text[i - 1]);
      if (c == '"') break;
      if (c < 0x20) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "%02X", c);
        return std::string("control character U+00") + hex + " in a string (write it as an escape, e.g. \\t, \\n)";
      }
    }
  }
  if (at >= text.size()) return generic;
  std::string_view rest(text.data() + at, std::min<size_t>(2, text.size() - at));
  if (rest == "//" || rest == "/*") return "comments are not allowed in JSON";
  if (rest[0] == '\'') return "strings and keys need double quotes, not single quotes";
  if ((rest[0] == '}' || rest[0] == ']') && at > 0) {
    size_t prev = text.find_last_not_of(" \t\r\n", at - 1);
    if (prev != std::string::npos && text[prev] == ',') return "trailing comma before '" + std::string(1, rest[0]) + "'";
  }
  return generic;
}

}  // namespace

bool JsonSource::Parse(std::string path, std::string text, Diagnostic* error, Tap* tap) {
  SetText(std::move(path), std::move(text));
  return Parse(error, tap);
}

void JsonSource::SetText(std::string path, std::string text) {
  path_ = std::move(path);
  text_ = std::move(text);
  parsed_ = false;
}

bool JsonSource::Parse(Diagnostic* error, Tap* tap) {
  doc_ = std::make_unique<rapidjson::Document>();
  parsed_ = false;
  tapped_ = false;
  root_offset_ = 0;
  blocks_.clear();
  child_offsets_.clear();
  all_positions_.clear();
  offsets_.clear();
  line_starts_.clear();
  code_points_before_.clear();
  ascii_ = IsAscii(text_);
  if (text_.size() >= UINT32_MAX) {
    *error = Diagnostic{path_, {}, "", "file too large (4 GiB or more)", ""};
    return false;
  }
  if (size_t nul = text_.find('\0'); nul != std::string::npos) {
    *error = AtOffset(nul, "", "NUL byte in the file (a JSON text never contains one)");
    return false;
  }
  if (text_.find_first_not_of(" \t\r\n") == std::string::npos) {
    *error = Diagnostic{path_, {}, "", text_.empty() ? "empty file, expected a JSON object"
                                                     : "only white space, expected a JSON object", ""};
    return false;
  }
  bool fast = ParseFast(tap);
  if (tap) {
    tapped_ = fast;
    if (!fast) {
      tap->Abandon();
      fast = ParseFast(nullptr);
    }
  }
  if (!fast && !ParseCareful(error)) return false;
  parsed_ = true;
  IndexLines();  // now, so that PosOf of an object only reads (see the header)
  return IndexPositions(error);
}

// RapidJSON's recursive reader over a plain string stream (the text holds no NUL, so its
// terminator is the end), without the encoding check when the text is ASCII. Notes only
// where objects and arrays start; offers arrays to the tap, if any.
bool JsonSource::ParseFast(Tap* tap) {
  // RapidJSON's UTF-8 check takes every continuation byte a lead byte announces, even past
  // the terminating NUL: a text ending in a cut sequence would be read beyond its end (found
  // by fuzz/manifest_fuzz; regression 003). The careful parse's stream stops at the end.
  if (!ascii_ && CutSequenceAtEnd(text_)) return false;
  rapidjson::StringStream stream(text_.c_str());
  ContainerHandler handler(doc_.get(), &stream, &offsets_, tap);
  rapidjson::Reader reader;
  bool ok = false;
  auto generator = [&](rapidjson::Document& /*doc*/) {
    ok = ascii_ ? !reader.Parse<rapidjson::kParseNoFlags>(stream, handler).IsError()
                : !reader.Parse<rapidjson::kParseValidateEncodingFlag>(stream, handler).IsError();
    return ok;
  };
  doc_->Populate(generator);
  offsets_cover_all_ = false;
  if (ok && tap) ok = tap->End();
  if (ok) return true;
  doc_ = std::make_unique<rapidjson::Document>();
  offsets_.clear();
  return false;
}

// The iterative reader over a stream that notes where every token starts: slower, but its
// errors are the ones the messages and tests were written for.
bool JsonSource::ParseCareful(Diagnostic* error) {
  PositionStream stream(text_.data(), text_.size());
  RecordingHandler handler(doc_.get(), &stream, &offsets_);
  rapidjson::Reader reader;
  rapidjson::ParseResult result;
  auto generator = [&](rapidjson::Document& /*doc*/) {
    result = reader.Parse<kParseFlags>(stream, handler);
    return !result.IsError();
  };
  doc_->Populate(generator);
  offsets_cover_all_ = true;
  if (handler.too_deep()) {
    *error = AtOffset(handler.too_deep_offset(), "",
                      "nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    return false;
  }
  if (result.IsError()) {
    *error = AtOffset(result.Offset(), "", "invalid JSON: " + ParseErrorText(text_, result));
    return false;
  }
  return true;
}

template <typename Visit>
void JsonSource::Walk(bool all, const std::vector<uint32_t>& offsets, Visit visit) const {
  // Values in the order the SAX events came: a value, then for an object each key and its
  // value, for an array each element. Explicit stack: depth is capped, but no recursion is
  // needed either. Without `all`, keys and scalars are passed over (they have no offsets).
  size_t next = 0;
  std::vector<const Value*> stack{doc_.get()};
  auto push = [&](const Value* v) {
    if (all || v->IsObject() || v->IsArray()) stack.push_back(v);
  };
  while (!stack.empty()) {
    const Value* v = stack.back();
    stack.pop_back();
    visit(v, next < offsets.size() ? offsets[next] : 0u);
    ++next;
    if (v->IsObject()) {
      for (auto m = v->MemberEnd(); m != v->MemberBegin();) {
        --m;
        push(&m->value);
        if (all) stack.push_back(&m->name);  // the key is its own event, before its value
      }
    } else if (v->IsArray()) {
      for (auto e = v->End(); e != v->Begin();) {
        --e;
        push(&*e);
      }
    }
  }
}

std::string JsonSource::PointerOf(const Value* target) const {
  // Depth-first search with the path; only used to word an error.
  std::vector<std::pair<const Value*, std::string>> stack{{doc_.get(), ""}};
  while (!stack.empty()) {
    auto [v, pointer] = stack.back();
    stack.pop_back();
    if (v == target) return pointer;
    if (v->IsObject()) {
      for (auto m = v->MemberBegin(); m != v->MemberEnd(); ++m) {
        stack.emplace_back(&m->value, PointerAppend(pointer, std::string_view(m->name.GetString(), m->name.GetStringLength())));
      }
    } else if (v->IsArray()) {
      for (rapidjson::SizeType i = 0; i < v->Size(); ++i) stack.emplace_back(&(*v)[i], PointerAppend(pointer, i));
    }
  }
  return "";
}

bool JsonSource::IndexPositions(Diagnostic* error) {
  if (offsets_cover_all_) {
    // After the careful parse (not expected to succeed where the fast one failed, but kept
    // correct): the containers' offsets, as the fast parse notes them.
    std::vector<uint32_t> containers;
    Walk(true, offsets_, [&](const Value* v, uint32_t offset) {
      if (v->IsObject() || v->IsArray()) containers.push_back(offset);
    });
    offsets_ = std::move(containers);
    offsets_cover_all_ = false;
  }
  blocks_.clear();
  child_offsets_.clear();
  const Value* dup_object = nullptr;
  const Value* dup_first = nullptr;
  const Value* dup_second = nullptr;
  std::vector<const Value*> names;
  auto same = [](const Value* a, const Value* b) { return *a == *b; };
  auto indexed = [](const Value& v) {
    if (v.IsObject()) return true;
    if (!v.IsArray()) return false;
    for (const Value& e : v.GetArray()) {
      if (e.IsObject() || e.IsArray()) return true;
    }
    return false;
  };
  // Containers in DOM pre-order (the order their offsets were noted in), each with its slot
  // in child_offsets_ (kNoOffset: not indexed).
  struct Item {
    const Value* value;
    uint32_t slot;
  };
  std::vector<Item> stack{{doc_.get(), kNoOffset}};
  // Pushes child k of `count` (at first + k * stride) if it is a container, making the
  // parent's block on its first indexed child.
  auto push = [&](const Value* child, uint32_t k, uint32_t count, const Value* first, size_t stride,
                  uint32_t* base) {
    if (!child->IsObject() && !child->IsArray()) return;
    uint32_t slot = kNoOffset;
    if (indexed(*child)) {
      if (*base == kNoOffset) {
        *base = static_cast<uint32_t>(child_offsets_.size());
        child_offsets_.resize(child_offsets_.size() + count, kNoOffset);
        blocks_.push_back(Block{reinterpret_cast<uintptr_t>(first), static_cast<uint32_t>(stride), count, *base});
      }
      slot = *base + k;
    }
    stack.push_back(Item{child, slot});
  };
  size_t next = 0;
  while (!stack.empty()) {
    Item item = stack.back();
    stack.pop_back();
    const Value* v = item.value;
    uint32_t offset = next < offsets_.size() ? offsets_[next] : 0u;
    ++next;
    if (v == doc_.get()) root_offset_ = offset;
    if (item.slot != kNoOffset) child_offsets_[item.slot] = offset;
    uint32_t base = kNoOffset;
    if (v->IsArray()) {
      const Value* elements = v->Begin();
      for (uint32_t k = v->Size(); k > 0; --k) push(&elements[k - 1], k - 1, v->Size(), elements, sizeof(Value), &base);
      continue;
    }
    if (!v->IsObject()) continue;
    auto members = v->MemberBegin();
    for (uint32_t k = v->MemberCount(); k > 0; --k) {
      push(&members[k - 1].value, k - 1, v->MemberCount(), &members->value, sizeof(*members), &base);
    }
    if (dup_object) continue;
    // Duplicate keys: RapidJSON keeps both members; a manifest must not.
    names.clear();
    for (auto m = v->MemberBegin(); m != v->MemberEnd(); ++m) names.push_back(&m->name);
    if (names.size() <= 16) {
      for (size_t i = 1; i < names.size() && !dup_object; ++i) {
        for (size_t k = 0; k < i; ++k) {
          if (same(names[k], names[i])) {
            dup_object = v, dup_first = names[k], dup_second = names[i];
            break;
          }
        }
      }
      continue;
    }
    std::vector<const Value*> sorted = names;  // member order: the first of equals stays first
    std::stable_sort(sorted.begin(), sorted.end(), [](const Value* a, const Value* b) {
      return std::string_view(a->GetString(), a->GetStringLength()) <
             std::string_view(b->GetString(), b->GetStringLength());
    });
    for (size_t i = 1; i < sorted.size(); ++i) {
      if (same(sorted[i - 1], sorted[i])) {
        dup_object = v, dup_first = sorted[i - 1], dup_second = sorted[i];
        break;
      }
    }
  }
  std::sort(blocks_.begin(), blocks_.end(), [](const Block& a, const Block& b) { return a.first < b.first; });
  if (dup_object) {
    std::string key(dup_second->GetString(), dup_second->GetStringLength());
    *error = At(dup_second, PointerOf(dup_object),
                "duplicate key \"" + key + "\" (first at line " + std::to_string(PosOf(dup_first).line) + ")");
    return false;
  }
  return true;
}

bool JsonSource::FindContainer(const Value* value, uint32_t* offset) const {
  if (!parsed_) return false;
  if (value == doc_.get()) {
    *offset = root_offset_;
    return true;
  }
  uintptr_t at = reinterpret_cast<uintptr_t>(value);
  auto it = std::upper_bound(blocks_.begin(), blocks_.end(), at,
                             [](uintptr_t a, const Block& b) { return a < b.first; });
  if (it == blocks_.begin()) return false;
  --it;
  uintptr_t delta = at - it->first;
  if (delta % it->stride != 0 || delta / it->stride >= it->count) return false;
  *offset = child_offsets_[it->slots + delta / it->stride];
  return *offset != kNoOffset;
}

size_t JsonSource::OffsetOf(const Value* value, bool* found) const {
  if (uint32_t offset; (value->IsObject() || value->IsArray()) && FindContainer(value, &offset)) {
    *found = true;
    return offset;
  }
  if (tapped_) {  // the DOM lacks the taken values: the text's tokens no longer match it
    *found = false;
    return 0;
  }
  if (all_positions_.empty()) IndexAllPositions();
  auto it = std::lower_bound(all_positions_.begin(), all_positions_.end(), std::pair<const void*, uint32_t>(value, 0));
  *found = it != all_positions_.end() && it->first == value;
  return *found ? it->second : 0u;
}

void JsonSource::IndexAllPositions() const {
  if (!parsed_) return;
  std::vector<uint32_t> scanned;
  const std::vector<uint32_t>* offsets = &offsets_;
  if (!offsets_cover_all_) {
    // The text parsed once already, so this pass cannot fail; it only notes positions.
    PositionStream stream(text_.data(), text_.size());
    RecordingHandler handler(nullptr, &stream, &scanned);
    rapidjson::Reader reader;
    reader.Parse<kParseFlags>(stream, handler);
    offsets = &scanned;
  }
  all_positions_.reserve(offsets->size());
  Walk(true, *offsets, [&](const Value* v, uint32_t offset) { all_positions_.emplace_back(v, offset); });
  std::sort(all_positions_.begin(), all_positions_.end());
}

void JsonSource::IndexLines() const {
  line_starts_.assign(1, 0);
  for (const char* p = text_.data(), *end = p + text_.size();
       (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)))) != nullptr;) {
    ++p;
    line_starts_.push_back(static_cast<uint32_t>(p - text_.data()));
  }
  if (ascii_) return;
  code_points_before_.reserve(text_.size() / kCheckpoint + 1);
  uint32_t code_points = 0;
  for (size_t from = 0; from < text_.size(); from += kCheckpoint) {
    code_points_before_.push_back(code_points);
    code_points += static_cast<uint32_t>(CodePoints(std::string_view(text_).substr(from, kCheckpoint)));
  }
}

uint32_t JsonSource::CodePointsBefore(size_t offset) const {
  // REQUIRES: IndexLines() has run.
  offset = std::min(offset, text_.size());
  if (ascii_) return static_cast<uint32_t>(offset);
  size_t block = offset / kCheckpoint;
  if (block >= code_points_before_.size()) return static_cast<uint32_t>(CodePoints(text_));
  size_t from = block * kCheckpoint;
  return code_points_before_[block] +
         static_cast<uint32_t>(CodePoints(std::string_view(text_).substr(from, offset - from)));
}

SourcePos JsonSource::PosAt(size_t offset) const {
  if (line_starts_.empty()) IndexLines();
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  size_t line = static_cast<size_t>(it - line_starts_.begin());  // 1-based
  size_t start = line_starts_[line - 1];
  uint32_t column = CodePointsBefore(offset) - CodePointsBefore(start) + 1;
  return SourcePos{static_cast<uint32_t>(line), column};
}

SourcePos JsonSource::PosOf(const Value* value) const {
  bool found = false;
  size_t offset = OffsetOf(value, &found);
  return found ? PosAt(offset) : SourcePos{};
}

Diagnostic JsonSource::AtOffset(size_t offset, std::string pointer, std::string message) const {
  offset = std::min(offset, text_.size());
  Diagnostic d{path_, PosAt(offset), std::move(pointer), std::move(message), ""};
  // Excerpt: the line, cut to a window around the column so that a 10 MB line stays short.
  size_t start = line_starts_[d.pos.line - 1];
  size_t end = text_.find('\n', start);
  if (end == std::string::npos) end = text_.size();
  if (end > start && text_[end - 1] == '\r') --end;
  constexpr size_t kWindow = 60;
  size_t from = offset > start + kWindow ? offset - kWindow : start;
  size_t to = std::min(end, std::max(offset, start) + kWindow);
  while (from > start && (static_cast<unsigned char>(text_[from]) & 0xc0) == 0x80) --from;
  while (to < end && (static_cast<unsigned char>(text_[to]) & 0xc0) == 0x80) ++to;
  std::string before = Printable(std::string_view(text_).substr(from, offset - from));
  std::string line = Printable(std::string_view(text_).substr(from, to - from));
  if (from > start) { line = "..." + line; before = "..." + before; }
  if (to < end) line += "...";
  d.excerpt = "  " + line + "\n  " + std::string(CodePoints(before), ' ') + "^";
  return d;
}

Diagnostic JsonSource::At(const Value* value, std::string pointer, std::string message) const {
  bool found = false;
  size_t offset = value ? OffsetOf(value, &found) : 0;
  if (value && !found) return Diagnostic{path_, {}, std::move(pointer), std::move(message), ""};
  return AtOffset(offset, std::move(pointer), std::move(message));
}

const Value* JsonSource::Find(std::string_view pointer) const {
  rapidjson::Pointer p(pointer.data(), pointer.size());
  if (!p.IsValid()) return nullptr;
  return p.Get(*doc_);
}

std::string PointerAppend(const std::string& base, std::string_view key) {
  std::string s = base + "/";
  for (char c : key) {
    if (c == '~') s += "~0";
    else if (c == '/') s += "~1";
    else s += c;
  }
  return s;
}

std::string PointerAppend(const std::string& base, size_t index) {
  return base + "/" + std::to_string(index);
}

}  // namespace residency
