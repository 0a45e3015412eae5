// MmdbWriter: writes a MaxMind DB (format 2.0) file that libmaxminddb and mmdblookup read
// like any other source. Small on purpose: records are flat maps of string keys to string
// values, the tree is IPv6 with IPv4 at ::a.b.c.d/96+n, and ::ffff:0:0/96 is aliased to the
// IPv4 subtree so that IPv4-mapped addresses find the same record.
//
// Overlaps resolve by longest prefix: a longer prefix always wins inside its range, whatever
// the order of Insert calls; inserting the very same prefix twice keeps the later record.
// Strings and whole records are stored once in the data section and shared by pointers.
//
// The writer owns copies of everything it is given; Serialize can be called more than once.
#ifndef RESIDENCY_MMDB_WRITER_H_
#define RESIDENCY_MMDB_WRITER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ip.h"
#include "status.h"

namespace residency {

// One record: keys in the order given (libmaxminddb does not care about order).
using MmdbRecord = std::vector<std::pair<std::string, std::string>>;

class MmdbWriter {
 public:
  // `database_type` goes to the metadata (e.g. "residency-feeds"); `description` is stored
  // under the language "en".
  MmdbWriter(std::string database_type, std::string description);

  void Insert(const IpPrefix& prefix, MmdbRecord record);

  // Builds the whole file into *out. `build_epoch` is seconds since 1970 (metadata).
  // REQUIRES: build_epoch > 0 (libmaxminddb 1.7.1 refuses to open a file with 0).
  // Fails only when the tree is too large for 32-bit records.
  Status Serialize(uint64_t build_epoch, std::string* out) const;

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    IpPrefix prefix;
    size_t record;  // index into records_
    size_t order;   // insertion order, for "same prefix: later wins"
  };
  std::string database_type_;
  std::string description_;
  std::vector<MmdbRecord> records_;
  std::vector<Entry> entries_;
};

}  // namespace residency

#endif  // RESIDENCY_MMDB_WRITER_H_
