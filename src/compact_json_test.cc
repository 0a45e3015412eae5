#include "compact_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <string>

namespace residency {
namespace {

// Drives a RapidJSON Writer and a CompactJson with the same calls: random documents of
// nested objects and arrays whose keys and strings hold every kind of byte (controls,
// quotes, backslashes, '/', DEL, UTF-8 and stray high bytes), integers at their limits and
// doubles of every magnitude.
class Twin {
 public:
  explicit Twin(uint32_t seed) : rng_(seed), rapid_(buffer_) {}

  void Document() {
    Value(0);
  }
  std::string Rapid() const { return std::string(buffer_.GetString(), buffer_.GetSize()); }
  std::string Compact() const { return std::string(compact_.data(), compact_.size()); }

 private:
  std::string Text() {
    static const std::string kPieces[] = {"", "a", "eu-central-1", "\"", "\\", "/", "\n", "\t", "\b", "\f", "\r",
                                          std::string(1, '\0'), "\x01", "\x1f", "\x7f", "\xc3\xa9", "\xff", " ",
                                          "2a05:d014::/35", "Amazon.com, Inc."};
    std::string s;
    for (int n = Pick(6); n > 0; --n) s += kPieces[Pick(std::size(kPieces))];
    return s;
  }
  double Number() {
    switch (Pick(6)) {
      case 0: return 0.0;
      case 1: return -0.0;
      case 2: return static_cast<double>(Pick(100000)) / 100;
      case 3: return std::ldexp(static_cast<double>(rng_()), static_cast<int>(Pick(200)) - 100);
      case 4: return -1e300;
      default: return 1.0 / 3;
    }
  }
  void Value(int depth) {
    switch (depth > 4 ? 2 + Pick(7) : Pick(9)) {
      case 0: {
        rapid_.StartObject();
        compact_.StartObject();
        for (int n = Pick(5); n > 0; --n) {
          std::string k = Text();
          rapid_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
          compact_.Key(k.data(), static_cast<CompactJson::SizeType>(k.size()));
          Value(depth + 1);
        }
        rapid_.EndObject();
        compact_.EndObject();
        break;
      }
      case 1: {
        rapid_.StartArray();
        compact_.StartArray();
        for (int n = Pick(5); n > 0; --n) Value(depth + 1);
        rapid_.EndArray();
        compact_.EndArray();
        break;
      }
      case 2: {
        std::string s = Text();
        rapid_.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
        compact_.String(s.data(), static_cast<CompactJson::SizeType>(s.size()));
        break;
      }
      case 3: rapid_.Null(); compact_.Null(); break;
      case 4: { bool b = Pick(2); rapid_.Bool(b); compact_.Bool(b); break; }
      case 5: {
        int64_t i = Pick(2) ? INT64_MIN : static_cast<int64_t>(rng_()) - (1ll << 31);
        rapid_.Int64(i);
        compact_.Int64(i);
        break;
      }
      case 6: {
        uint64_t u = Pick(2) ? UINT64_MAX : rng_();
        rapid_.Uint64(u);
        compact_.Uint64(u);
        break;
      }
      case 7: { int i = static_cast<int>(rng_()); rapid_.Int(i); compact_.Int(i); break; }
      default: { double d = Number(); rapid_.Double(d); compact_.Double(d); break; }
    }
  }
  int Pick(size_t n) { return static_cast<int>(rng_() % n); }

  std::mt19937 rng_;
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> rapid_;
  CompactJson compact_;
};

TEST_CASE("CompactJson writes the bytes RapidJSON's Writer writes") {
  for (uint32_t seed = 1; seed <= 3000; ++seed) {
    Twin twin(seed);
    twin.Document();
    if (twin.Rapid() != twin.Compact()) {
      CAPTURE(seed);
      CHECK(twin.Compact() == twin.Rapid());
      break;
    }
  }
}

// Short texts take their own path (two overlapping loads and stores), long ones sixteen
// bytes at a time with the last sixteen read again: every length about those edges, with
// each byte that needs an escape at every position, each text in an allocation of exactly
// its own size (ASan sees any read beyond it), as a key and as a string after a comma.
TEST_CASE("CompactJson escapes what RapidJSON escapes at every position of texts up to 40 bytes") {
  const unsigned char kBytes[] = {'a', 0x00, 0x01, 0x1f, 0x20, '"', '\\', '/', 0x7f, 0x80, 0xc3, 0xff, '!', '#', '[', ']'};
  size_t compared = 0;
  for (size_t n = 0; n <= 40; ++n) {
    for (size_t at = 0; at < std::max<size_t>(n, 1); ++at) {
      for (unsigned char b : kBytes) {
        std::unique_ptr<char[]> text(new char[std::max<size_t>(n, 1)]);
        for (size_t k = 0; k < n; ++k) text[k] = static_cast<char>('A' + k % 26);
        if (n) text[at] = static_cast<char>(b);
        rapidjson::StringBuffer buffer;
        rapidjson::Writer<rapidjson::StringBuffer> rapid(buffer);
        CompactJson compact;
        const auto size = static_cast<unsigned>(n);
        rapid.StartArray();
        compact.StartArray();
        rapid.String(text.get(), size);
        compact.String(text.get(), size);
        rapid.StartObject();
        compact.StartObject();
        rapid.Key(text.get(), size);
        compact.Key(text.get(), size);
        rapid.String(text.get(), size);
        compact.String(text.get(), size);
        rapid.EndObject();
        compact.EndObject();
        rapid.EndArray();
        compact.EndArray();
        std::string want(buffer.GetString(), buffer.GetSize()), got(compact.data(), compact.size());
        if (got != want) {
          CAPTURE(n);
          CAPTURE(at);
          CAPTURE(static_cast<int>(b));
          REQUIRE(got == want);
        }
        ++compared;
      }
    }
  }
  CHECK(compared == 16 * (1 + 40 * 41 / 2));
}

TEST_CASE("CompactJson: values in a row are comma-separated, Clear starts again, the buffer grows") {
  CompactJson w;
  w.StartObject();
  w.EndObject();
  w.String("x");
  w.Uint(7);
  CHECK(std::string(w.data(), w.size()) == "{},\"x\",7");
  w.Clear();
  w.Null();
  CHECK(std::string(w.data(), w.size()) == "null");
  w.Clear();
  std::string big(100000, 'q');
  w.StartArray();
  for (int i = 0; i < 30; ++i) w.String(big.data(), static_cast<CompactJson::SizeType>(big.size()));
  w.EndArray();
  CHECK(w.size() == 2 + 30 * (big.size() + 2) + 29);
  w.Clear();
  w.Double(std::nan(""));
  CHECK(std::string(w.data(), w.size()) == "null");
}

}  // namespace
}  // namespace residency
