#include "dns_message.h"

#include <arpa/inet.h>

#include <cstdio>

namespace residency {
namespace {

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  size_t pos() const { return pos_; }
  bool U8(uint8_t* v) {
    if (size_ - pos_ < 1) return false;
    *v = data_[pos_++];
    return true;
  }
  bool U16(uint16_t* v) {
    if (size_ - pos_ < 2) return false;
    *v = static_cast<uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool U32(uint32_t* v) {
    if (size_ - pos_ < 4) return false;
    *v = static_cast<uint32_t>(data_[pos_]) << 24 | static_cast<uint32_t>(data_[pos_ + 1]) << 16 |
         static_cast<uint32_t>(data_[pos_ + 2]) << 8 | static_cast<uint32_t>(data_[pos_ + 3]);
    pos_ += 4;
    return true;
  }
  bool Skip(size_t n) {
    if (size_ - pos_ < n) return false;
    pos_ += n;
    return true;
  }
  const uint8_t* Here() const { return data_ + pos_; }
  void Rewind(size_t pos) { pos_ = pos; }

  // A possibly compressed name starting at the current position; the position moves past
  // its in-place part. Text is lower case, dot-separated, without the final dot; bytes
  // that would be ambiguous in text ('.', '\\', non-printing) are written as \DDD.
  bool Name(std::string* out, std::string* error) {
    out->clear();
    size_t p = pos_;
    size_t end_in_place = 0;  // set at the first pointer
    bool jumped = false;
    int jumps = 0;
    size_t wire_length = 1;
    for (;;) {
      if (p >= size_) {
        *error = "name runs past the end of the message";
        return false;
      }
      uint8_t len = data_[p];
      if ((len & 0xC0) == 0xC0) {
        if (p + 1 >= size_) {
          *error = "compression pointer runs past the end of the message";
          return false;
        }
        size_t target = static_cast<size_t>(len & 0x3F) << 8 | data_[p + 1];
        if (!jumped) end_in_place = p + 2;
        jumped = true;
        // Each jump must go somewhere new; a bound on the number of jumps cuts loops.
        if (++jumps > 64 || target >= size_) {
          *error = target >= size_ ? "compression pointer out of the message"
                                   : "compression pointers loop";
          return false;
        }
        p = target;
        continue;
      }
      if ((len & 0xC0) != 0) {
        *error = "unknown label type";
        return false;
      }
      if (len == 0) {
        pos_ = jumped ? end_in_place : p + 1;
        return true;
      }
      wire_length += 1u + len;
      if (wire_length > 255) {
        *error = "name longer than 255 bytes";
        return false;
      }
      if (size_ - (p + 1) < len) {
        *error = "label runs past the end of the message";
        return false;
      }
      if (!out->empty()) out->push_back('.');
      for (size_t i = 0; i < len; ++i) {
        uint8_t c = data_[p + 1 + i];
        if (c >= 'A' && c <= 'Z') {
          out->push_back(static_cast<char>(c - 'A' + 'a'));
        } else if (c <= 0x20 || c >= 0x7F || c == '.' || c == '\\') {
          char esc[5];
          std::snprintf(esc, sizeof esc, "\\%03u", static_cast<unsigned>(c));
          out->append(esc);
        } else {
          out->push_back(static_cast<char>(c));
        }
      }
      p += 1u + len;
    }
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

bool ReadRecord(Reader& r, WireRecord* rec, std::string* error) {
  if (!r.Name(&rec->name, error)) return false;
  uint16_t rdlength = 0;
  if (!r.U16(&rec->type) || !r.U16(&rec->klass) || !r.U32(&rec->ttl) || !r.U16(&rdlength)) {
    *error = "record header runs past the end of the message";
    return false;
  }
  // RFC 2181 8: a TTL with the top bit set is read as zero.
  if (rec->ttl > 0x7FFFFFFFu) rec->ttl = 0;
  size_t start = r.pos();
  const uint8_t* rdata = r.Here();
  if (!r.Skip(rdlength)) {
    *error = "record data runs past the end of the message";
    return false;
  }
  rec->data.clear();
  if (rec->type == kTypeA || rec->type == kTypeAaaa) {
    size_t want = rec->type == kTypeA ? 4 : 16;
    if (rdlength != want) {
      *error = DnsTypeName(rec->type) + " record of " + std::to_string(rdlength) + " bytes";
      return false;
    }
    char text[INET6_ADDRSTRLEN];
    inet_ntop(rec->type == kTypeA ? AF_INET : AF_INET6, rdata, text, sizeof text);
    rec->data = text;
  } else if (rec->type == kTypeCname) {
    // The target may point back into the message: read it with a reader over the whole
    // message, positioned at the record data, and insist that it fills the data exactly.
    Reader target = r;
    target.Rewind(start);
    if (!target.Name(&rec->data, error)) {
      *error = "CNAME target: " + *error;
      return false;
    }
    if (target.pos() != start + rdlength) {
      *error = "CNAME target does not fill its record data";
      return false;
    }
  }
  return true;
}

}  // namespace

bool ParseDnsMessage(const uint8_t* data, size_t size, DnsMessage* out, std::string* error) {
  Reader r(data, size);
  uint16_t flags = 0, qdcount = 0, ancount = 0, nscount = 0, arcount = 0;
  if (!r.U16(&out->id) || !r.U16(&flags) || !r.U16(&qdcount) || !r.U16(&ancount) ||
      !r.U16(&nscount) || !r.U16(&arcount)) {
    *error = "shorter than a DNS header";
    return false;
  }
  out->response = (flags & 0x8000) != 0;
  out->authoritative = (flags & 0x0400) != 0;
  out->truncated = (flags & 0x0200) != 0;
  out->rcode = flags & 0x000F;
  out->question_name.clear();
  out->question_type = 0;
  out->answers.clear();
  for (uint16_t i = 0; i < qdcount; ++i) {
    std::string name;
    uint16_t type = 0, klass = 0;
    if (!r.Name(&name, error)) {
      *error = "question: " + *error;
      return false;
    }
    if (!r.U16(&type) || !r.U16(&klass)) {
      *error = "question runs past the end of the message";
      return false;
    }
    if (i == 0) {
      out->question_name = std::move(name);
      out->question_type = type;
    }
  }
  // A truncated answer may end anywhere; what was read in full is kept.
  out->answers.reserve(ancount < 64 ? ancount : 64);
  for (uint16_t i = 0; i < ancount; ++i) {
    WireRecord rec;
    if (!ReadRecord(r, &rec, error)) {
      if (out->truncated) return true;
      *error = "answer " + std::to_string(i + 1) + ": " + *error;
      return false;
    }
    out->answers.push_back(std::move(rec));
  }
  return true;
}

std::string RcodeName(int rcode) {
  switch (rcode) {
    case 0: return "NOERROR";
    case 1: return "FORMERR";
    case 2: return "SERVFAIL";
    case 3: return "NXDOMAIN";
    case 4: return "NOTIMP";
    case 5: return "REFUSED";
    default: return "RCODE" + std::to_string(rcode);
  }
}

std::string DnsTypeName(uint16_t type) {
  switch (type) {
    case kTypeA: return "A";
    case kTypeAaaa: return "AAAA";
    case kTypeCname: return "CNAME";
    default: return "TYPE" + std::to_string(type);
  }
}

}  // namespace residency
