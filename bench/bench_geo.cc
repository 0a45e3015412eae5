// residency_bench_geo: lookups per second through every geodb source (Geo::Lookup) against
// raw libmaxminddb on the same addresses in the same run, so the cost residency adds per
// source (unmapping, copying strings out, prefix normalisation, the verdict) is visible.
//
// Usage: residency_bench_geo [--geodb DIR] [--count N] [--rounds R]
// The raw loop is the least a caller must do for one answer: MMDB_lookup_sockaddr on a
// prepared sockaddr, then MMDB_aget_value of the source's field (also shown without it).
#include <maxminddb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "geo.h"
#include "paths.h"

namespace residency {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// A mix like real evidence: 80% IPv4 spread over unicast space, 20% IPv6 in 2000::/4.
std::vector<IpAddress> Addresses(size_t count) {
  std::mt19937_64 rng(42);
  std::vector<IpAddress> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    IpAddress ip;
    uint64_t r = rng();
    if (i % 5 != 4) {
      ip.family = IpAddress::Family::kV4;
      uint32_t v = static_cast<uint32_t>(r % 0xDF000000u) + 0x01000000u;  // 1.0.0.0-223.255.255.255
      for (int b = 0; b < 4; ++b) ip.bytes[static_cast<size_t>(b)] = static_cast<uint8_t>(v >> (24 - 8 * b));
    } else {
      ip.family = IpAddress::Family::kV6;
      uint64_t lo = rng();
      for (int b = 0; b < 8; ++b) {
        ip.bytes[static_cast<size_t>(b)] = static_cast<uint8_t>(r >> (56 - 8 * b));
        ip.bytes[static_cast<size_t>(8 + b)] = static_cast<uint8_t>(lo >> (56 - 8 * b));
      }
      ip.bytes[0] = static_cast<uint8_t>(0x20 | (ip.bytes[0] & 0x0f));
    }
    out.push_back(ip);
  }
  return out;
}

std::vector<sockaddr_storage> Sockaddrs(const std::vector<IpAddress>& ips) {
  std::vector<sockaddr_storage> out(ips.size());
  for (size_t i = 0; i < ips.size(); ++i) {
    std::memset(&out[i], 0, sizeof out[i]);
    if (ips[i].is_v4()) {
      auto* sin = reinterpret_cast<sockaddr_in*>(&out[i]);
      sin->sin_family = AF_INET;
      std::memcpy(&sin->sin_addr, ips[i].bytes.data(), 4);
    } else {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out[i]);
      sin6->sin6_family = AF_INET6;
      std::memcpy(&sin6->sin6_addr, ips[i].bytes.data(), 16);
    }
  }
  return out;
}

// Raw libmaxminddb on one file: seconds for one pass; *hits counts answers (kept so the
// compiler cannot drop the work).
double RawPass(MMDB_s* db, const std::vector<sockaddr_storage>& addrs, const char* const* path,
               size_t* hits) {
  auto start = Clock::now();
  size_t n = 0;
  for (const sockaddr_storage& sa : addrs) {
    int error = 0;
    MMDB_lookup_result_s r =
        MMDB_lookup_sockaddr(db, reinterpret_cast<const sockaddr*>(&sa), &error);
    if (error != MMDB_SUCCESS || !r.found_entry) continue;
    if (path) {
      MMDB_entry_data_s data;
      if (MMDB_aget_value(&r.entry, &data, path) == MMDB_SUCCESS && data.has_data) n += data.data_size;
    } else {
      n += r.netmask;
    }
  }
  *hits = n;
  return Seconds(start, Clock::now());
}

int Main(int argc, char** argv) {
  std::string geodb_flag;
  size_t count = 200000;
  int rounds = 5;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--geodb" && i + 1 < argc) {
      geodb_flag = argv[++i];
    } else if (a == "--count" && i + 1 < argc) {
      count = std::stoul(argv[++i]);
    } else if (a == "--rounds" && i + 1 < argc) {
      rounds = std::stoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: residency_bench_geo [--geodb DIR] [--count N] [--rounds R]\n");
      return 2;
    }
  }
  std::string dir;
  std::unique_ptr<Geo> geo;
  if (Status s = ResolveGeodbDir(geodb_flag, &dir); !s.ok() || !(s = Geo::Open(dir, &geo)).ok()) {
    std::fprintf(stderr, "residency_bench_geo: %s\n", s.message().c_str());
    return 2;
  }
  std::vector<const GeoSource*> present;
  for (const GeoSource& s : geo->sources()) {
    if (s.present) present.push_back(&s);
  }
  if (present.empty()) {
    std::fprintf(stderr, "residency_bench_geo: no source present in %s\n", dir.c_str());
    return 2;
  }
  const GeoSource& first = *present.front();
  std::vector<IpAddress> ips = Addresses(count);
  std::vector<sockaddr_storage> addrs = Sockaddrs(ips);

  // Raw handles of our own, opened the plain way, for every present source.
  struct Raw {
    const GeoSource* source;
    MMDB_s db;
  };
  std::vector<Raw> raws;
  for (const GeoSource* s : present) {
    Raw r{s, {}};
    if (MMDB_open(s->config.path.c_str(), MMDB_MODE_MMAP, &r.db) != MMDB_SUCCESS) return 2;
    raws.push_back(r);
  }

  double best_geo = 1e9, best_raw_first = 1e9, best_raw_first_bare = 1e9, best_raw_all = 1e9,
         best_raw_interleaved = 1e9;
  size_t sink = 0;
  GeoAnswer answer;
  for (int round = 0; round < rounds; ++round) {
    auto start = Clock::now();
    for (const IpAddress& ip : ips) {
      if (!geo->Lookup(ip, &answer).ok()) return 2;
      sink += answer.sources.size();
    }
    best_geo = std::min(best_geo, Seconds(start, Clock::now()));

    size_t hits = 0;
    best_raw_first = std::min(best_raw_first, RawPass(&raws[0].db, addrs, first.fields[0].c_path(), &hits));
    sink += hits;
    best_raw_first_bare = std::min(best_raw_first_bare, RawPass(&raws[0].db, addrs, nullptr, &hits));
    sink += hits;
    double all = 0;
    for (Raw& r : raws) {
      // Every field the source is asked for, as Geo does.
      for (const MmdbField& f : r.source->fields) {
        all += RawPass(&r.db, addrs, f.c_path(), &hits);
        sink += hits;
      }
      all -= RawPass(&r.db, addrs, nullptr, &hits) * static_cast<double>(r.source->fields.size() - 1);
    }
    best_raw_all = std::min(best_raw_all, all);

    // Raw, interleaved as Geo does it: every source and field for one address, then the
    // next address (the trees compete for the CPU caches, as they do in Geo::Lookup).
    start = Clock::now();
    for (const sockaddr_storage& sa : addrs) {
      for (Raw& r : raws) {
        int error = 0;
        MMDB_lookup_result_s res =
            MMDB_lookup_sockaddr(&r.db, reinterpret_cast<const sockaddr*>(&sa), &error);
        if (error != MMDB_SUCCESS || !res.found_entry) continue;
        for (const MmdbField& f : r.source->fields) {
          MMDB_entry_data_s data;
          if (MMDB_aget_value(&res.entry, &data, f.c_path()) == MMDB_SUCCESS && data.has_data) {
            sink += data.data_size;
          }
        }
      }
    }
    best_raw_interleaved = std::min(best_raw_interleaved, Seconds(start, Clock::now()));
  }
  for (Raw& r : raws) MMDB_close(&r.db);

  const double n = static_cast<double>(count);
  const double per_source = best_geo / static_cast<double>(present.size());
  std::printf("geodb: %s\n", dir.c_str());
  std::printf("addresses: %zu (80%% IPv4, 20%% IPv6), best of %d rounds\n", count, rounds);
  std::printf("sources present: %zu (", present.size());
  for (size_t i = 0; i < present.size(); ++i) {
    std::printf("%s%s", i ? ", " : "", present[i]->config.name.c_str());
  }
  std::printf(")\n\n");
  const std::string one = first.config.name;
  auto row = [&](const std::string& label, double seconds) {
    std::printf("%-46s %12.0f lookups/s  %7.3f us\n", label.c_str(), n / seconds, seconds / n * 1e6);
  };
  row("combined Geo::Lookup, all sources", best_geo);
  row("  = per source", per_source);
  row("raw lookup_sockaddr + aget_value (" + one + ")", best_raw_first);
  row("raw lookup_sockaddr only (" + one + ")", best_raw_first_bare);
  row("raw, every source and field, summed", best_raw_all);
  row("raw, every source and field, interleaved", best_raw_interleaved);
  std::printf("\n");
  auto ratio = [](const std::string& label, double r, const char* note) {
    std::printf("%-54s %5.2fx%s\n", label.c_str(), r, note);
  };
  ratio("ratio per source / raw lookup+value (" + one + ")", per_source / best_raw_first,
        "  (target <= 1.5x)");
  ratio("ratio per source / raw lookup only (" + one + ")", per_source / best_raw_first_bare, "");
  ratio("ratio combined / raw, same sources, summed", best_geo / best_raw_all, "");
  ratio("ratio combined / raw, same sources, interleaved", best_geo / best_raw_interleaved,
        "  (residency's own overhead)");
  std::fprintf(stderr, "(sink %zu)\n", sink);
  return 0;
}

}  // namespace
}  // namespace residency

int main(int argc, char** argv) { return residency::Main(argc, argv); }
