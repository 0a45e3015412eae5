#include "mmdb_writer.h"

#include <doctest/doctest.h>
#include <maxminddb.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace residency {
namespace {

// Writes `bytes` to a temporary file and opens it with libmaxminddb; closes and removes it
// when the test ends.
class OpenedDb {
 public:
  explicit OpenedDb(const std::string& bytes) {
    char tmpl[] = "/tmp/residency-mmdb-XXXXXX";
    int fd = ::mkstemp(tmpl);
    REQUIRE(fd >= 0);
    path_ = tmpl;
    REQUIRE(::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
    ::close(fd);
    status_ = MMDB_open(path_.c_str(), MMDB_MODE_MMAP, &db_);
  }
  ~OpenedDb() {
    if (status_ == MMDB_SUCCESS) MMDB_close(&db_);
    ::unlink(path_.c_str());
  }
  int status() const { return status_; }
  MMDB_s* db() { return &db_; }

  // The value of `key` in the record for `ip`, "" when there is no record; "-" when the
  // key is missing from a record that exists.
  std::string Get(const char* ip, const char* key, uint16_t* netmask = nullptr) {
    int gai = 0, mmdb = 0;
    MMDB_lookup_result_s r = MMDB_lookup_string(&db_, ip, &gai, &mmdb);
    REQUIRE(gai == 0);
    REQUIRE(mmdb == MMDB_SUCCESS);
    if (netmask) *netmask = r.netmask;
    if (!r.found_entry) return "";
    MMDB_entry_data_s data;
    int s = MMDB_get_value(&r.entry, &data, key, nullptr);
    if (s != MMDB_SUCCESS || !data.has_data) return "-";
    REQUIRE(data.type == MMDB_DATA_TYPE_UTF8_STRING);
    return std::string(data.utf8_string, data.data_size);
  }

 private:
  std::string path_;
  MMDB_s db_{};
  int status_ = -1;
};

IpPrefix P(const char* text) {
  auto p = ParsePrefix(text);
  REQUIRE(p.has_value());
  return *p;
}

TEST_CASE("MmdbWriter output reads back through libmaxminddb, longest prefix wins") {
  MmdbWriter writer("residency-test", "writer test");
  // Deliberately out of order: a longer prefix inserted before the shorter one.
  writer.Insert(P("3.120.1.0/24"), {{"name", "inner"}, {"level", "24"}});
  writer.Insert(P("3.120.0.0/14"), {{"name", "outer"}, {"level", "14"}});
  writer.Insert(P("3.120.1.128/25"), {{"name", "innermost"}, {"level", "25"}});
  writer.Insert(P("2a05:d000::/25"), {{"name", "v6"}, {"level", "25"}});
  writer.Insert(P("2a05:d000:1234::/48"), {{"name", "v6-inner"}, {"level", "48"}});
  writer.Insert(P("10.0.0.0/8"), {{"name", "first"}});
  writer.Insert(P("10.0.0.0/8"), {{"name", "second"}});  // same prefix: later wins
  std::string bytes;
  REQUIRE(writer.Serialize(1700000000, &bytes).ok());
  OpenedDb db(bytes);
  REQUIRE(db.status() == MMDB_SUCCESS);
  CHECK(db.db()->metadata.ip_version == 6);
  CHECK(db.db()->metadata.build_epoch == 1700000000);
  CHECK(std::string(db.db()->metadata.database_type) == "residency-test");

  struct Case { const char* ip; const char* name; };
  const Case cases[] = {
      {"3.120.0.1", "outer"},
      {"3.123.255.255", "outer"},
      {"3.124.0.0", ""},
      {"3.120.1.1", "inner"},
      {"3.120.1.127", "inner"},
      {"3.120.1.128", "innermost"},
      {"3.120.1.255", "innermost"},
      {"3.120.2.0", "outer"},
      {"::ffff:3.120.1.200", "innermost"},  // IPv4-mapped aliased to the IPv4 tree
      {"::3.120.0.1", "outer"},
      {"2a05:d000::1", "v6"},
      {"2a05:d07f:ffff::1", "v6"},
      {"2a05:d080::1", ""},
      {"2a05:d000:1234:5::1", "v6-inner"},
      {"2a05:d000:1235::1", "v6"},
      {"10.1.2.3", "second"},
      {"192.0.2.1", ""},
      {"::1", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.ip));
    CHECK(db.Get(c.ip, "name") == c.name);
  }
  CHECK(db.Get("3.120.0.1", "level") == "14");
  CHECK(db.Get("3.120.0.1", "nonexistent") == "-");
  uint16_t netmask = 0;
  db.Get("3.120.1.1", "name", &netmask);
  CHECK(netmask == 96 + 25);  // the inner /24 is split around the /25
}

TEST_CASE("MmdbWriter chooses the record size that fits and libmaxminddb verifies it") {
  // Enough distinct records and nodes to need more than 24-bit records.
  for (int n : {1, 300, 70000, 0}) {
    CAPTURE(n);
    MmdbWriter writer("residency-test", "size test");
    for (int i = 0; i < n; ++i) {
      IpAddress a;
      a.family = IpAddress::Family::kV6;
      a.bytes[0] = 0x20;
      a.bytes[1] = 0x01;
      a.bytes[2] = static_cast<uint8_t>(i >> 16);
      a.bytes[3] = static_cast<uint8_t>(i >> 8);
      a.bytes[4] = static_cast<uint8_t>(i);
      writer.Insert(IpPrefix{a, 128}, {{"i", std::to_string(i)}, {"pad", std::string(300, 'x')}});
    }
    std::string bytes;
    REQUIRE(writer.Serialize(1, &bytes).ok());
    OpenedDb db(bytes);
    REQUIRE(db.status() == MMDB_SUCCESS);
    if (n > 0) {
      char ip[64];
      int last = n - 1;
      std::snprintf(ip, sizeof ip, "2001:%02x%02x:%02x00::", (last >> 16) & 0xff,
                    (last >> 8) & 0xff, last & 0xff);
      CHECK(db.Get(ip, "i") == std::to_string(last));
    }
  }
}

}  // namespace
}  // namespace residency
