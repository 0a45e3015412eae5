#include "mmdb_writer.h"

#include <algorithm>
#include <map>

namespace residency {
namespace {

// MaxMind DB data types (spec section "Output Data Section").
enum DataType : unsigned {
  kPointer = 1,
  kUtf8String = 2,
  kUint16 = 5,
  kUint32 = 6,
  kMap = 7,
  kUint64 = 9,
  kArray = 11,
};

void PutControl(std::string* out, unsigned type, size_t size) {
  unsigned first = type <= 7 ? (type << 5) : 0;
  std::string extra;
  if (size < 29) {
    first |= static_cast<unsigned>(size);
  } else if (size < 29 + 256) {
    first |= 29;
    extra.push_back(static_cast<char>(size - 29));
  } else if (size < 285 + 65536) {
    first |= 30;
    size_t v = size - 285;
    extra.push_back(static_cast<char>(v >> 8));
    extra.push_back(static_cast<char>(v & 0xff));
  } else {
    first |= 31;
    size_t v = size - 65821;
    extra.push_back(static_cast<char>(v >> 16));
    extra.push_back(static_cast<char>((v >> 8) & 0xff));
    extra.push_back(static_cast<char>(v & 0xff));
  }
  out->push_back(static_cast<char>(first));
  if (type > 7) out->push_back(static_cast<char>(type - 7));
  out->append(extra);
}

void PutString(std::string* out, const std::string& s) {
  PutControl(out, kUtf8String, s.size());
  out->append(s);
}

void PutUint(std::string* out, unsigned type, uint64_t v) {
  std::string bytes;
  while (v != 0) {
    bytes.insert(bytes.begin(), static_cast<char>(v & 0xff));
    v >>= 8;
  }
  PutControl(out, type, bytes.size());
  out->append(bytes);
}

void PutPointer(std::string* out, size_t p) {
  auto byte = [](size_t v, unsigned shift) { return static_cast<char>((v >> shift) & 0xff); };
  if (p < 2048) {
    out->push_back(static_cast<char>(0x20 | (p >> 8)));
    out->push_back(byte(p, 0));
  } else if (p < 526336) {
    size_t q = p - 2048;
    out->push_back(static_cast<char>(0x20 | (1 << 3) | (q >> 16)));
    out->push_back(byte(q, 8));
    out->push_back(byte(q, 0));
  } else if (p < 134744064) {
    size_t q = p - 526336;
    out->push_back(static_cast<char>(0x20 | (2 << 3) | (q >> 24)));
    out->push_back(byte(q, 16));
    out->push_back(byte(q, 8));
    out->push_back(byte(q, 0));
  } else {
    out->push_back(static_cast<char>(0x20 | (3 << 3)));
    out->push_back(byte(p, 24));
    out->push_back(byte(p, 16));
    out->push_back(byte(p, 8));
    out->push_back(byte(p, 0));
  }
}

// The data section, with every string and every record written once.
class DataSection {
 public:
  size_t AddRecord(const MmdbRecord& record) {
    auto it = records_.find(record);
    if (it != records_.end()) return it->second;
    // Strings first, so that the map itself is a header followed by pointers.
    for (const auto& [key, value] : record) {
      StringOffset(key);
      StringOffset(value);
    }
    size_t offset = data_.size();
    PutControl(&data_, kMap, record.size());
    for (const auto& [key, value] : record) {
      PutPointer(&data_, StringOffset(key));
      PutPointer(&data_, StringOffset(value));
    }
    records_.emplace(record, offset);
    return offset;
  }
  const std::string& data() const { return data_; }

 private:
  size_t StringOffset(const std::string& s) {
    auto it = strings_.find(s);
    if (it != strings_.end()) return it->second;
    size_t offset = data_.size();
    PutString(&data_, s);
    strings_.emplace(s, offset);
    return offset;
  }
  std::string data_;
  std::map<std::string, size_t> strings_;
  std::map<MmdbRecord, size_t> records_;
};

// The search tree while it is built. A child is empty, another node, or a record.
struct Child {
  enum class Kind : uint8_t { kEmpty, kNode, kData };
  Kind kind = Kind::kEmpty;
  uint32_t value = 0;  // node index or record index
};
struct Node {
  Child child[2];
};

class Tree {
 public:
  Tree() : nodes_(1) {}

  // Sets the child at depth `length` on the path of `bits` to `leaf`. Records on the way
  // are split into nodes that carry them on both sides, so a longer prefix inserted later
  // only replaces its own range.
  void Set(const std::array<uint8_t, 16>& bits, unsigned length, Child leaf) {
    uint32_t node = 0;
    for (unsigned depth = 0; depth + 1 < length; ++depth) {
      node = Descend(node, Bit(bits, depth));
    }
    nodes_[node].child[Bit(bits, length - 1)] = leaf;
  }

  // The node reached after `length` bits of `bits`, created if needed. REQUIRES: length > 0.
  uint32_t NodeAt(const std::array<uint8_t, 16>& bits, unsigned length) {
    uint32_t node = 0;
    for (unsigned depth = 0; depth < length; ++depth) node = Descend(node, Bit(bits, depth));
    return node;
  }

  const std::vector<Node>& nodes() const { return nodes_; }

 private:
  static unsigned Bit(const std::array<uint8_t, 16>& bits, unsigned i) {
    return (bits[i / 8] >> (7 - i % 8)) & 1u;
  }
  uint32_t Descend(uint32_t node, unsigned bit) {
    Child c = nodes_[node].child[bit];
    if (c.kind == Child::Kind::kNode) return c.value;
    Node fresh;
    if (c.kind == Child::Kind::kData) fresh.child[0] = fresh.child[1] = c;
    nodes_.push_back(fresh);
    uint32_t index = static_cast<uint32_t>(nodes_.size() - 1);
    nodes_[node].child[bit] = Child{Child::Kind::kNode, index};
    return index;
  }
  std::vector<Node> nodes_;
};

// The prefix as 128 bits in the IPv6 tree: IPv4 goes to ::a.b.c.d/96+n.
std::pair<std::array<uint8_t, 16>, unsigned> TreePath(const IpPrefix& prefix) {
  if (!prefix.address.is_v4()) return {prefix.address.bytes, prefix.length};
  std::array<uint8_t, 16> bits{};
  std::copy_n(prefix.address.bytes.begin(), 4, bits.begin() + 12);
  return {bits, prefix.length + 96};
}

void PutRecordValue(std::string* out, uint32_t v, unsigned record_size, bool left,
                    size_t node_start) {
  auto b = [](uint32_t x, unsigned shift) { return static_cast<char>((x >> shift) & 0xff); };
  if (record_size == 24) {
    out->push_back(b(v, 16));
    out->push_back(b(v, 8));
    out->push_back(b(v, 0));
  } else if (record_size == 32) {
    out->push_back(b(v, 24));
    out->push_back(b(v, 16));
    out->push_back(b(v, 8));
    out->push_back(b(v, 0));
  } else if (left) {  // 28 bits: the middle byte holds the high nibbles of both records
    out->push_back(b(v, 16));
    out->push_back(b(v, 8));
    out->push_back(b(v, 0));
    out->push_back(static_cast<char>((v >> 20) & 0xf0));
  } else {
    (*out)[node_start + 3] = static_cast<char>((*out)[node_start + 3] | ((v >> 24) & 0x0f));
    out->push_back(b(v, 16));
    out->push_back(b(v, 8));
    out->push_back(b(v, 0));
  }
}

}  // namespace

MmdbWriter::MmdbWriter(std::string database_type, std::string description)
    : database_type_(std::move(database_type)), description_(std::move(description)) {}

void MmdbWriter::Insert(const IpPrefix& prefix, MmdbRecord record) {
  records_.push_back(std::move(record));
  entries_.push_back(Entry{prefix, records_.size() - 1, entries_.size()});
}

Status MmdbWriter::Serialize(uint64_t build_epoch, std::string* out) const {
  // Shorter prefixes first, so that longer ones overwrite their part of the range.
  std::vector<const Entry*> order;
  order.reserve(entries_.size());
  for (const Entry& e : entries_) order.push_back(&e);
  std::stable_sort(order.begin(), order.end(), [](const Entry* a, const Entry* b) {
    return TreePath(a->prefix).second < TreePath(b->prefix).second;
  });

  DataSection data;
  std::vector<size_t> offsets(records_.size());
  std::vector<bool> written(records_.size(), false);
  Tree tree;
  for (const Entry* e : order) {
    if (!written[e->record]) {
      offsets[e->record] = data.AddRecord(records_[e->record]);
      written[e->record] = true;
    }
    Child leaf{Child::Kind::kData, static_cast<uint32_t>(e->record)};
    auto [bits, length] = TreePath(e->prefix);
    if (length == 0) {  // ::/0 has no child of its own: both halves of the root
      tree.Set(bits, 1, leaf);
      bits[0] = 0x80;
      tree.Set(bits, 1, leaf);
    } else {
      tree.Set(bits, length, leaf);
    }
  }
  // Alias ::ffff:0:0/96 (IPv4-mapped) to the IPv4 subtree, as MaxMind's own files do.
  std::array<uint8_t, 16> zero{};
  uint32_t v4_root = tree.NodeAt(zero, 96);
  std::array<uint8_t, 16> mapped{};
  mapped[10] = mapped[11] = 0xff;
  tree.Set(mapped, 96, Child{Child::Kind::kNode, v4_root});

  const std::vector<Node>& nodes = tree.nodes();
  uint64_t node_count = nodes.size();
  uint64_t max_value = node_count + 16 + data.data().size();
  unsigned record_size = max_value < (1ull << 24) ? 24 : max_value < (1ull << 28) ? 28 : 32;
  if (max_value >= (1ull << 32)) {
    return Status::InvalidInput("mmdb writer: " + std::to_string(node_count) +
                                " nodes and " + std::to_string(data.data().size()) +
                                " bytes of data do not fit 32-bit records");
  }

  out->clear();
  out->reserve(node_count * record_size / 4 + data.data().size() + 256);
  auto value_of = [&](const Child& c) -> uint32_t {
    switch (c.kind) {
      case Child::Kind::kEmpty: return static_cast<uint32_t>(node_count);
      case Child::Kind::kNode: return c.value;
      case Child::Kind::kData: break;
    }
    return static_cast<uint32_t>(node_count + 16 + offsets[c.value]);
  };
  for (const Node& n : nodes) {
    size_t start = out->size();
    PutRecordValue(out, value_of(n.child[0]), record_size, true, start);
    PutRecordValue(out, value_of(n.child[1]), record_size, false, start);
  }
  out->append(16, '\0');
  out->append(data.data());

  out->append("\xAB\xCD\xEFMaxMind.com");
  std::string meta;
  PutControl(&meta, kMap, 9);
  PutString(&meta, "binary_format_major_version");
  PutUint(&meta, kUint16, 2);
  PutString(&meta, "binary_format_minor_version");
  PutUint(&meta, kUint16, 0);
  PutString(&meta, "build_epoch");
  PutUint(&meta, kUint64, build_epoch);
  PutString(&meta, "database_type");
  PutString(&meta, database_type_);
  PutString(&meta, "description");
  PutControl(&meta, kMap, 1);
  PutString(&meta, "en");
  PutString(&meta, description_);
  PutString(&meta, "ip_version");
  PutUint(&meta, kUint16, 6);
  PutString(&meta, "languages");
  PutControl(&meta, kArray, 1);
  PutString(&meta, "en");
  PutString(&meta, "node_count");
  PutUint(&meta, kUint32, node_count);
  PutString(&meta, "record_size");
  PutUint(&meta, kUint16, record_size);
  out->append(meta);
  return Status::Ok();
}

}  // namespace residency
