#include "mmdb.h"

#include <maxminddb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>

#include "hash.h"

namespace residency {
namespace {

// libmaxminddb reports a missing or unreadable file as MMDB_FILE_OPEN_ERROR or
// MMDB_IO_ERROR with errno set; everything about the content is a corrupt database.
Status OpenError(const std::string& path, int status, int saved_errno) {
  std::string detail = MMDB_strerror(status);
  if (status == MMDB_FILE_OPEN_ERROR || status == MMDB_IO_ERROR) {
    // An empty or tiny file fails in mmap or in the metadata search, as an I/O error.
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size < 16) {
      return Status::Corrupt(path + ": not a MaxMind DB file (" + std::to_string(st.st_size) +
                             " bytes)");
    }
    if (saved_errno != 0) detail = std::strerror(saved_errno);
    if (saved_errno == ENOENT) return Status::NotFound(path + ": " + detail);
    return Status::IoError(path + ": " + detail);
  }
  if (status == MMDB_OUT_OF_MEMORY_ERROR) return Status::IoError(path + ": " + detail);
  return Status::Corrupt(path + ": " + detail);
}

std::optional<std::string> ValueText(const MMDB_entry_data_s& data) {
  switch (data.type) {
    case MMDB_DATA_TYPE_UTF8_STRING:
      return std::string(data.utf8_string, data.data_size);
    case MMDB_DATA_TYPE_UINT16:
      return std::to_string(data.uint16);
    case MMDB_DATA_TYPE_UINT32:
      return std::to_string(data.uint32);
    case MMDB_DATA_TYPE_INT32:
      return std::to_string(data.int32);
    case MMDB_DATA_TYPE_UINT64:
      return std::to_string(data.uint64);
    case MMDB_DATA_TYPE_BOOLEAN:
      return std::string(data.boolean ? "true" : "false");
    case MMDB_DATA_TYPE_DOUBLE:
      return std::to_string(data.double_value);
    case MMDB_DATA_TYPE_FLOAT:
      return std::to_string(data.float_value);
    default:
      return std::nullopt;  // maps, arrays, bytes, uint128: not a scalar answer
  }
}

}  // namespace

MmdbField::MmdbField(std::string_view dotted) : dotted_(dotted) {
  size_t start = 0;
  while (start <= dotted.size() && !dotted.empty()) {
    size_t dot = dotted.find('.', start);
    if (dot == std::string_view::npos) dot = dotted.size();
    parts_.emplace_back(dotted.substr(start, dot - start));
    start = dot + 1;
  }
  for (const std::string& p : parts_) pointers_.push_back(p.c_str());
  pointers_.push_back(nullptr);
}

MmdbField& MmdbField::operator=(const MmdbField& other) {
  if (this != &other) *this = MmdbField(other.dotted_);
  return *this;
}

Mmdb::Mmdb() = default;

Mmdb::~Mmdb() {
  if (db_) MMDB_close(db_.get());
}

Mmdb::Mmdb(Mmdb&& other) noexcept
    : db_(std::move(other.db_)), path_(std::move(other.path_)), serial_(std::exchange(other.serial_, 0)) {}

Mmdb& Mmdb::operator=(Mmdb&& other) noexcept {
  if (this != &other) {
    if (db_) MMDB_close(db_.get());
    db_ = std::move(other.db_);
    path_ = std::move(other.path_);
    serial_ = std::exchange(other.serial_, 0);
  }
  return *this;
}

Status Mmdb::Open(const std::string& path, Mmdb* out) {
  auto db = std::make_unique<MMDB_s>();
  errno = 0;
  int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, db.get());
  int saved_errno = errno;
  if (status != MMDB_SUCCESS) return OpenError(path, status, saved_errno);
  Mmdb opened;
  opened.db_ = std::move(db);
  opened.path_ = path;
  static std::atomic<uint64_t> opened_count{0};
  opened.serial_ = ++opened_count;
  *out = std::move(opened);
  return Status::Ok();
}

MmdbMetadata Mmdb::Metadata() const {
  const MMDB_metadata_s& m = db_->metadata;
  MmdbMetadata md;
  if (m.database_type) md.database_type = m.database_type;
  md.build_epoch = m.build_epoch;
  md.ip_version = m.ip_version;
  md.node_count = m.node_count;
  for (size_t i = 0; i < m.description.count; ++i) {
    const MMDB_description_s* d = m.description.descriptions[i];
    if (d && d->language && d->description && std::strcmp(d->language, "en") == 0) {
      md.description = d->description;
    }
  }
  return md;
}

std::string Mmdb::Sha256() const {
  return Sha256Hex(std::string_view(reinterpret_cast<const char*>(db_->file_content),
                                    static_cast<size_t>(db_->file_size)));
}

Status Mmdb::Lookup(const IpAddress& ip_in, const std::vector<MmdbField>& fields,
                    MmdbAnswer* answer) const {
  return Lookup(ip_in, fields, answer, nullptr);
}

Status Mmdb::Lookup(const IpAddress& ip_in, const std::vector<MmdbField>& fields, MmdbAnswer* answer,
                    MmdbRecordCache* cache) const {
  const IpAddress ip = ip_in.Unmapped();
  answer->found = false;
  answer->values.resize(fields.size());
  for (std::optional<std::string>& v : answer->values) v.reset();

  // Only the family's own sockaddr is filled: no 128-byte sockaddr_storage to clear.
  union {
    sockaddr sa;
    sockaddr_in sin;
    sockaddr_in6 sin6;
  } address;
  if (ip.is_v4()) {
    address.sin = sockaddr_in{};
    address.sin.sin_family = AF_INET;
    std::memcpy(&address.sin.sin_addr, ip.bytes.data(), 4);
  } else {
    address.sin6 = sockaddr_in6{};
    address.sin6.sin6_family = AF_INET6;
    std::memcpy(&address.sin6.sin6_addr, ip.bytes.data(), 16);
  }
  int mmdb_error = MMDB_SUCCESS;
  MMDB_lookup_result_s result = MMDB_lookup_sockaddr(db_.get(), &address.sa, &mmdb_error);
  if (mmdb_error == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR) {
    answer->prefix = IpPrefix{ip, 0};
    return Status::Ok();
  }
  if (mmdb_error != MMDB_SUCCESS) {
    answer->prefix = IpPrefix{ip, 0};
    return Status::Corrupt(path_ + ": looking up " + ip.ToString() + ": " +
                           MMDB_strerror(mmdb_error));
  }

  // IPv4 in an IPv6 tree: the netmask counts the 96 bits of ::/96 too.
  unsigned netmask = result.netmask;
  if (ip.is_v4() && db_->metadata.ip_version == 6) netmask = netmask > 96 ? netmask - 96 : 0;
  if (netmask > ip.bits()) netmask = ip.bits();
  IpPrefix prefix{ip, netmask};
  const size_t full = netmask / 8;
  if (full < ip.size()) {
    prefix.address.bytes[full] &= static_cast<uint8_t>(0xff00u >> (netmask % 8));
    std::memset(prefix.address.bytes.data() + full + 1, 0, ip.size() - full - 1);
  }
  answer->prefix = prefix;
  if (!result.found_entry) return Status::Ok();
  answer->found = true;
  MmdbRecordCache::Slot* slot = nullptr;
  if (cache) {
    uint32_t offset = result.entry.offset;
    slot = &cache->slots_[(offset * 2654435761u ^ serial_) % MmdbRecordCache::kSlots];
    if (slot->serial == serial_ && slot->offset == offset) {
      answer->values = slot->values;
      return Status::Ok();
    }
  }

  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].empty()) continue;
    MMDB_entry_data_s data;
    int status = MMDB_aget_value(&result.entry, &data, fields[i].c_path());
    if (status == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR ||
        status == MMDB_INVALID_LOOKUP_PATH_ERROR) {
      continue;  // the record has no such field (or not with that shape)
    }
    if (status != MMDB_SUCCESS) {
      return Status::Corrupt(path_ + ": reading " + fields[i].dotted() + " for " +
                             ip.ToString() + ": " + MMDB_strerror(status));
    }
    if (data.has_data) answer->values[i] = ValueText(data);
  }
  if (slot) {
    slot->serial = serial_;
    slot->offset = result.entry.offset;
    slot->values = answer->values;
  }
  return Status::Ok();
}

}  // namespace residency
