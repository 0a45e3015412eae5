// CompactJson: a compact JSON writer into its own growing buffer, for the endpoints of a
// large report (report.cc renders a million of them, 1.4 KB each, on every core).
//
// It has the member functions of rapidjson::Writer that the report's templated writers call
// (StartObject, Key, String, Uint, Double, ...) and writes the same bytes rapidjson::Writer
// writes for them (compact_json_test.cc compares the two), at a fraction of the cost: a key
// or a string that needs no escape is one bounds check and one memcpy, where RapidJSON puts
// each character through its stack. It checks nothing about the call order: the caller
// writes well-formed JSON, as with RapidJSON's Writer in release builds. Non-finite doubles
// are written as null (RapidJSON writes nothing and fails).
//
// The text is data()/size() until Clear(); the buffer keeps its capacity across Clear() so
// a thread rendering batch after batch allocates once.
#ifndef RESIDENCY_COMPACT_JSON_H_
#define RESIDENCY_COMPACT_JSON_H_

#include <rapidjson/internal/dtoa.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

namespace residency {

class CompactJson {
 public:
  using SizeType = unsigned;

  CompactJson() = default;
  CompactJson(const CompactJson&) = delete;
  CompactJson& operator=(const CompactJson&) = delete;

  const char* data() const { return buf_.get(); }
  size_t size() const { return size_; }
  void Clear() {
    size_ = 0;
    comma_ = false;
  }
  // Room for `bytes` of text in all, allocated now: a buffer that grows by doubling copies
  // what it holds each time, touching its memory twice (fresh memory is what a large
  // report costs most). Pages beyond what is written are never touched, so a generous
  // guess costs address space, not memory.
  void ReserveTotal(size_t bytes) {
    if (bytes > capacity_) Grow(bytes);
  }

  bool StartObject() { return Open('{'); }
  bool EndObject(SizeType = 0) { return Close('}'); }
  bool StartArray() { return Open('['); }
  bool EndArray(SizeType = 0) { return Close(']'); }

  // A literal key, the report's own: its length known when compiled, and no byte of it
  // needs an escape (report.cc's keys are plain words).
  template <size_t N>
  bool Key(const char (&s)[N]) {
    Reserve(N + 3);
    char* at = Comma();
    at[0] = '"';
    std::memcpy(at + 1, s, N - 1);
    at[N] = '"';
    at[N + 1] = ':';
    size_ = static_cast<size_t>(at + N + 2 - buf_.get());
    comma_ = false;
    return true;
  }
  bool Key(const char* s, SizeType n, bool = false) {
    Quoted(s, n, 1);
    Append(':');
    comma_ = false;
    return true;
  }
  bool String(const char* s) { return String(s, static_cast<SizeType>(std::strlen(s))); }
  bool String(const char* s, SizeType n, bool = false) {
    Quoted(s, n, 0);
    comma_ = true;
    return true;
  }
  bool Null() { return Literal("null", 4); }
  bool Bool(bool b) { return b ? Literal("true", 4) : Literal("false", 5); }
  bool Int(int i) { return Integer(i); }
  bool Uint(unsigned u) { return Integer(u); }
  bool Int64(int64_t i) { return Integer(i); }
  bool Uint64(uint64_t u) { return Integer(u); }
  bool Double(double d) {
    if (!std::isfinite(d)) return Null();
    Separate(25);
    // RapidJSON's own shortest round-trip formatting, so the bytes match its Writer's.
    char* end = rapidjson::internal::dtoa(d, buf_.get() + size_);
    size_ = static_cast<size_t>(end - buf_.get());
    comma_ = true;
    return true;
  }
  // Already valid JSON text, as one value.
  bool RawValue(const char* json, size_t n, int = 0) {
    Separate(n);
    std::memcpy(buf_.get() + size_, json, n);
    size_ += n;
    comma_ = true;
    return true;
  }

 private:
  // Makes room for `more` bytes beyond the current text.
  void Reserve(size_t more) {
    if (size_ + more > capacity_) [[unlikely]] Grow(std::max(capacity_ * 2, size_ + more + 4096));
  }
  [[gnu::noinline]] void Grow(size_t grown) {
    std::unique_ptr<char[]> bigger(new char[grown]);
    if (size_) std::memcpy(bigger.get(), buf_.get(), size_);
    buf_ = std::move(bigger);
    capacity_ = grown;
  }
  // Writes the comma a value or key that follows another needs, without a branch (the byte
  // is stored either way and kept only then); where the value starts. Room for it reserved.
  char* Comma() {
    char* at = buf_.get() + size_;
    *at = ',';
    return at + comma_;
  }
  void Append(char c) { buf_[size_++] = c; }
  // The comma before a value or key that follows another, and room for `more` bytes.
  void Separate(size_t more) {
    Reserve(more + 1);
    size_ = static_cast<size_t>(Comma() - buf_.get());
  }
  bool Open(char c) {
    Separate(1);
    Append(c);
    comma_ = false;
    return true;
  }
  bool Close(char c) {
    Reserve(1);
    Append(c);
    comma_ = true;
    return true;
  }
  bool Literal(const char* text, size_t n) {
    Separate(n);
    std::memcpy(buf_.get() + size_, text, n);
    size_ += n;
    comma_ = true;
    return true;
  }
  template <typename T>
  bool Integer(T value) {
    Separate(24);
    char* at = buf_.get() + size_;
    size_ = static_cast<size_t>(std::to_chars(at, at + 24, value).ptr - buf_.get());
    comma_ = true;
    return true;
  }
  // "s" with RapidJSON's escapes (kEscape below); `extra` bytes of room beyond it (the ':'
  // after a key). Scanned where it comes from, then copied whole: scanning the copy just
  // written stalled on the stores. The rest from the first escape on is written again.
  // Most of a report's strings are short (ids, countries, addresses): those of at most 16
  // bytes are scanned and copied with two overlapping loads and stores, no loop or call.
  void Quoted(const char* s, size_t n, size_t extra) {
    Reserve(n + 3 + extra);
    char* at = Comma();
    *at++ = '"';
    if (n <= 16 && !ShortNeedsEscape(s, n)) {
      CopyShort(at, s, n);
      at[n] = '"';
      size_ = static_cast<size_t>(at + n + 1 - buf_.get());
      return;
    }
    size_ = static_cast<size_t>(at - buf_.get());
    size_t i = FirstEscape(s, n);
    if (n) std::memcpy(at, s, n);
    size_ += i;
    for (; i < n; ++i) {  // the rare escaped rest, at most 6 bytes per byte
      unsigned char c = static_cast<unsigned char>(s[i]);
      Reserve(6 + (n - i) + 1 + extra);
      char e = kEscape[c];
      if (e == 0) {
        Append(static_cast<char>(c));
      } else {
        Append('\\');
        Append(e);
        if (e == 'u') {
          static constexpr char kHex[] = "0123456789ABCDEF";
          Append('0');
          Append('0');
          Append(kHex[c >> 4]);
          Append(kHex[c & 0xF]);
        }
      }
    }
    Append('"');
  }
  static uint64_t Load8(const char* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  static uint64_t Load4(const char* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  // Non-zero when a byte of the word needs an escape: below 0x20, '"' or '\\' (the
  // zero-byte tests of "Bit Twiddling Hacks"; exact about whether, not about where).
  static uint64_t Escapes(uint64_t x) {
    constexpr uint64_t k01 = 0x0101010101010101ull, k80 = 0x8080808080808080ull;
    auto zero = [](uint64_t v) { return (v - k01) & ~v & k80; };
    return ((x - 0x20 * k01) & ~x & k80) | zero(x ^ ('"' * k01)) | zero(x ^ ('\\' * k01));
  }
  // Whether one of the n <= 16 bytes of s needs an escape; reads only s[0, n).
  static bool ShortNeedsEscape(const char* s, size_t n) {
    if (n >= 8) return (Escapes(Load8(s)) | Escapes(Load8(s + n - 8))) != 0;
    if (n >= 4) return Escapes(Load4(s) | Load4(s + n - 4) << 32) != 0;
    if (n == 0) return false;
    // s[0], s[n / 2] and s[n - 1] are every byte of a text of one to three; the rest 'a'.
    const auto byte = [s](size_t k) { return static_cast<uint64_t>(static_cast<unsigned char>(s[k])); };
    return Escapes(byte(0) | byte(n >> 1) << 8 | byte(n - 1) << 16 | 0x6161616161000000ull) != 0;
  }
  // Copies the n <= 16 bytes of s to `to`, storing nothing beyond to[n).
  static void CopyShort(char* to, const char* s, size_t n) {
    if (n >= 8) {
      uint64_t head = Load8(s), tail = Load8(s + n - 8);
      std::memcpy(to, &head, 8);
      std::memcpy(to + n - 8, &tail, 8);
    } else if (n >= 4) {
      uint32_t head = static_cast<uint32_t>(Load4(s)), tail = static_cast<uint32_t>(Load4(s + n - 4));
      std::memcpy(to, &head, 4);
      std::memcpy(to + n - 4, &tail, 4);
    } else if (n) {
      to[0] = s[0];
      to[n >> 1] = s[n >> 1];
      to[n - 1] = s[n - 1];
    }
  }
  // The index of the first byte of text[0, n) that needs an escape, n when none: sixteen
  // bytes at a time, the last few of a text of 16 or more as the last sixteen again (those
  // before them are clean), of a shorter one byte by byte; nothing beyond n is read.
  static size_t FirstEscape(const char* text, size_t n) {
    size_t i = 0;
#ifdef __SSE2__
    const __m128i control_max = _mm_set1_epi8(0x1F), quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    const auto hits = [&](size_t at) {
      __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text + at));
      __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(_mm_max_epu8(x, control_max), control_max),  // x <= 0x1F
                                 _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)));
      return static_cast<unsigned>(_mm_movemask_epi8(hit));
    };
    for (; i + 16 <= n; i += 16) {
      if (unsigned mask = hits(i)) return i + static_cast<size_t>(__builtin_ctz(mask));
    }
    if (i < n && n >= 16) {
      unsigned mask = hits(n - 16);
      return mask ? n - 16 + static_cast<size_t>(__builtin_ctz(mask)) : n;
    }
#endif
    while (i < n && kEscape[static_cast<unsigned char>(text[i])] == 0) ++i;
    return i;
  }

  // For each byte: 0 when written as is, else the letter after the backslash ('u' for
  // \u00XX). The same escapes as RapidJSON's Writer, which leaves '/' and bytes >= 0x80 alone.
  static constexpr std::array<char, 256> kEscape = [] {
    std::array<char, 256> t{};
    for (int c = 0; c < 0x20; ++c) t[c] = 'u';
    t['\b'] = 'b';
    t['\t'] = 't';
    t['\n'] = 'n';
    t['\f'] = 'f';
    t['\r'] = 'r';
    t['"'] = '"';
    t['\\'] = '\\';
    return t;
  }();
  std::unique_ptr<char[]> buf_;
  size_t size_ = 0, capacity_ = 0;
  bool comma_ = false;
};

}  // namespace residency

#endif  // RESIDENCY_COMPACT_JSON_H_
