// Mmdb: one MaxMind DB file (.mmdb) opened with libmaxminddb, read-only.
//
// The file is mmap'ed by libmaxminddb at Open and unmapped when the Mmdb is destroyed;
// an Mmdb owns its MMDB_s and is movable, not copyable. Everything a lookup returns is
// copied out (strings, numbers, the prefix), so answers outlive the Mmdb.
//
// Lookups take an IpAddress: an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is looked up as
// plain IPv4, because the ip-location-db files do not alias the mapped range. The prefix
// of an answer is normalised: IPv4 looked up in an IPv6 tree gets an IPv4 prefix length
// (libmaxminddb's 109 becomes /13). An IPv6 address in an IPv4-only file is "not found",
// not an error.
//
// Fields are named by a dotted path into the record (`country_code`, `country.iso_code`,
// `subdivisions.0.iso_code`): configuration, not code. Compile a path once (MmdbField)
// and reuse it for every lookup.
//
// A corrupt file is an error (Status kCorrupt naming the path and libmaxminddb's
// message), at Open or at the lookup that meets the damage; never a crash.
#ifndef RESIDENCY_MMDB_H_
#define RESIDENCY_MMDB_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ip.h"
#include "status.h"

struct MMDB_s;  // libmaxminddb's handle; kept out of this header

namespace residency {

struct MmdbMetadata {
  std::string database_type;  // e.g. "GeoLite2-Country", "ip-location-db"
  std::string description;    // the "en" description, or ""
  uint64_t build_epoch = 0;   // seconds since 1970
  unsigned ip_version = 0;    // 4 or 6
  uint64_t node_count = 0;
};

// A dotted path into a record, split once.
class MmdbField {
 public:
  MmdbField() = default;
  explicit MmdbField(std::string_view dotted);
  MmdbField(const MmdbField& other) : MmdbField(other.dotted_) {}
  MmdbField& operator=(const MmdbField& other);
  MmdbField(MmdbField&&) = default;
  MmdbField& operator=(MmdbField&&) = default;

  const std::string& dotted() const { return dotted_; }
  bool empty() const { return parts_.empty(); }
  const char* const* c_path() const { return pointers_.data(); }  // NULL-terminated

 private:
  std::string dotted_;
  std::vector<std::string> parts_;
  std::vector<const char*> pointers_;  // into parts_, then nullptr
};

// What one lookup found: whether a record covers the address, its network, and the
// requested fields as text (numbers in decimal, booleans "true"/"false"); a field that
// the record lacks, or that is a map or an array, is nullopt.
struct MmdbAnswer {
  bool found = false;
  IpPrefix prefix;  // the network the record covers (also set when not found)
  std::vector<std::optional<std::string>> values;  // one per requested field
};

// The fields of records already read, so that a caller looking up many addresses in the
// same networks decodes each record once: a small direct-mapped table, one per thread
// (not shared). REQUIRES: each database is looked up with one list of fields through a
// given cache (Geo keeps one per thread, and each source has its fixed fields).
class MmdbRecordCache {
 private:
  friend class Mmdb;
  struct Slot {
    uint64_t serial = 0;  // the database's (Mmdb::serial_), 0 for an empty slot
    uint32_t offset = 0;  // the record's, in the data section
    std::vector<std::optional<std::string>> values;
  };
  static constexpr size_t kSlots = 4096;
  std::vector<Slot> slots_ = std::vector<Slot>(kSlots);
};

class Mmdb {
 public:
  // Opens `path`. Errors: kNotFound for a missing file, kCorrupt for an invalid one,
  // kIoError otherwise; the message names the path.
  static Status Open(const std::string& path, Mmdb* out);

  Mmdb();
  ~Mmdb();
  Mmdb(Mmdb&& other) noexcept;
  Mmdb& operator=(Mmdb&& other) noexcept;
  Mmdb(const Mmdb&) = delete;
  Mmdb& operator=(const Mmdb&) = delete;

  bool is_open() const { return db_ != nullptr; }
  const std::string& path() const { return path_; }
  MmdbMetadata Metadata() const;  // REQUIRES: is_open()

  // SHA-256 of the file's bytes, lower-case hex (reads the mapped file; ~20 ms for 8 MB).
  std::string Sha256() const;  // REQUIRES: is_open()

  // Looks up `ip` and reads `fields`. *answer is overwritten (its vector's capacity is
  // reused, so a loop can keep one MmdbAnswer). REQUIRES: is_open().
  Status Lookup(const IpAddress& ip, const std::vector<MmdbField>& fields,
                MmdbAnswer* answer) const;
  // The same, reading a record met before from `cache` instead of decoding it again.
  Status Lookup(const IpAddress& ip, const std::vector<MmdbField>& fields, MmdbAnswer* answer,
                MmdbRecordCache* cache) const;

 private:
  std::unique_ptr<MMDB_s> db_;
  std::string path_;
  uint64_t serial_ = 0;  // unique per Open in this process: keys MmdbRecordCache
};

}  // namespace residency

#endif  // RESIDENCY_MMDB_H_
