#include "verify.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <map>
#include <set>
#include <unordered_map>

#include "check.h"
#include "declarations.h"
#include "json_source.h"
#include "lint.h"
#include "parallel.h"

namespace residency {
namespace {

// The endpoint's target as written in the report, into *out (whose capacity it reuses).
void AssignTargetText(const Endpoint& e, std::string* out) {
  switch (e.target) {
    case Endpoint::Target::kHost: *out = e.host; return;
    case Endpoint::Target::kIp:
      if (e.ip) {
        char text[kIpTextMax];
        out->assign(text, e.ip->Format(text));
      } else {
        out->clear();
      }
      return;
    case Endpoint::Target::kUrl: *out = e.url; return;
  }
  out->clear();
}

const char* TargetKind(const Endpoint& e) {
  switch (e.target) {
    case Endpoint::Target::kHost: return "host";
    case Endpoint::Target::kIp: return "ip";
    case Endpoint::Target::kUrl: return "url";
  }
  return "";
}

// The answer's strings are moved into the observation: `a` is left to be reset (Geo::Lookup
// resets it field by field, keeping its vector's capacity).
AddressObservation Observe(GeoAnswer&& a, const Jurisdictions& j) {
  AddressObservation o;
  o.ip = a.ip;
  std::string registered;
  o.sources.reserve(a.sources.size());
  for (SourceAnswer& s : a.sources) {
    if (s.kind == SourceKind::kOperatorCountry && s.country && registered.empty()) registered = *s.country;
    o.sources.push_back(SourceEvidence{std::move(s.source), SourceKindName(s.kind), std::move(s.country),
                                       s.prefix ? s.prefix->ToString() : ""});
  }
  if (a.feed) {
    FeedMatch& m = *a.feed;
    const bool located = m.IsLocation();
    FeedEvidence f{std::move(m.provider), std::move(m.region), std::move(m.service), std::move(m.scope),
                   std::move(m.feed_prefix), "", ""};
    if (located) {
      if (const Region* r = j.FindRegion(f.provider, f.region)) {
        f.region_country = r->country;
        f.region_city = r->city;
      }
    }
    o.feed = std::move(f);
  }
  if (a.as) o.as = AsEvidence{a.as->number, std::move(a.as->organisation), a.as->prefix.ToString(), registered};
  return o;
}

// What the probes found, by endpoint (index into Verify's endpoint list) and by address.
struct Probed {
  std::vector<ProbeResult> results;
  std::vector<std::vector<uint32_t>> of_endpoint;  // indices into results
  std::map<IpAddress, double> min_connect_ms;      // the fastest TCP connect to each address
};

// The URL a probe asks for an endpoint: its own, or https://HOST/; "" for an IP literal.
std::string ProbeUrl(const Endpoint& e) {
  if (e.target == Endpoint::Target::kUrl) return e.url;
  if (e.target == Endpoint::Target::kHost) return "https://" + e.host + "/";
  return "";
}

Status ProbeEndpoints(const VerifyInputs& in, const std::vector<const Endpoint*>& endpoints,
                      const std::vector<Resolution>& resolved, const std::map<std::string, size_t>& name_index,
                      Probed* out, ProbeRun* run) {
  std::vector<ProbeTarget> targets;
  std::map<std::pair<std::string, std::string>, uint32_t> index;  // (url, address) -> target
  out->of_endpoint.resize(endpoints.size());
  for (size_t i = 0; i < endpoints.size(); ++i) {
    const Endpoint& e = *endpoints[i];
    std::string url = ProbeUrl(e);
    if (url.empty()) continue;
    std::vector<IpAddress> addresses;
    if (!e.host.empty()) addresses = resolved[name_index.at(e.host)].addresses;
    else if (e.ip) addresses.push_back(*e.ip);  // a URL with an IP literal host
    for (const IpAddress& ip : addresses) {
      auto [it, fresh] = index.emplace(std::pair(url, ip.ToString()), static_cast<uint32_t>(targets.size()));
      if (fresh) targets.push_back(ProbeTarget{in.manifest.QualifiedId(e), url, ip});
      out->of_endpoint[i].push_back(it->second);
    }
  }
  if (Status s = in.prober->ProbeAll(targets, &out->results); !s.ok()) return s;
  run->targets = targets.size();
  for (const ProbeResult& r : out->results) {
    run->answered += r.answered();
    // Only a completed probe's connect counts: a failed one may have met a middlebox.
    if (r.answered() && r.address && r.timings.connect) {
      auto [it, fresh] = out->min_connect_ms.emplace(*r.address, *r.timings.connect);
      if (!fresh) it->second = std::min(it->second, *r.timings.connect);
    }
  }
  if (in.vantage) run->vantage = in.vantage->vantage();
  return Status::Ok();
}

// The location headers of an endpoint's probes as observations, placed.
void ObserveHeaders(const VerifyInputs& in, const Endpoint& e, AllowedCache* allowed_cache, EndpointResult* r) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const ProbeResult& p : r->probes) {
    for (const HeaderEvidence& ev : p.location) {
      if (!seen.emplace(ev.header + "\n" + ev.value + "\n" + ev.iata, p.address ? p.address->ToString() : "").second) continue;
      HeaderObservation h;
      h.evidence = ev;
      h.address = p.address ? p.address->ToString() : "";
      Activity activity = Activity::kProcessing;
      if (ev.kind == "storage") {
        activity = e.activity == Activity::kBackup ? Activity::kBackup : Activity::kStorage;
        if (const Region* region = in.jurisdictions.FindRegion(ev.provider, ev.region)) {
          h.country = region->country;
          h.place = region->city;
        }
      } else if (in.airports) {
        if (const Airport* a = in.airports->Find(ev.iata)) {
          h.country = a->country;
          h.place = a->city;
        }
      }
      h.activity = std::string(ActivityName(activity));
      const Allowed& allowed = allowed_cache->For(activity, e.data);
      h.allowed = allowed.locations;
      PlaceHeader(allowed, &h);
      r->headers.push_back(std::move(h));
    }
  }
}

// Resolves nothing: looks up, places and judges the endpoints of one chunk. Each distinct
// (address, allowed locations) pair of the chunk is looked up and placed once, on every
// core, and shared by the endpoints that have it (report.h, Observations).
Status VerifyChunk(const VerifyInputs& in, const std::vector<const Endpoint*>& endpoints, size_t first,
                   const std::vector<Resolution>& resolved, const std::map<std::string, size_t>& name_index,
                   const Probed* probed, AllowedCache* allowed_cache, std::vector<EndpointResult>* results) {
  const Manifest& m = in.manifest;
  // Each chunk's results are written over the last chunk's. First every slot is emptied, on
  // every core, by copy-assigning an empty result (every member, whatever members it gains,
  // emptied while its strings and vectors keep their capacity): the last chunk's
  // observations are freed before this chunk's are made, which then reuse their memory
  // rather than memory new to the process (two chunks' observations were alive at once),
  // and the slots are filled by assignment, so most of an endpoint's strings and vectors
  // reuse the memory of the endpoint before it in the slot.
  static const EndpointResult kEmpty;
  ParallelFor(results->size(), 4096, [&](size_t begin, size_t end, size_t) {
    for (size_t i = begin; i < end; ++i) (*results)[i] = kEmpty;
  });
  std::vector<const Allowed*> allowed_of(endpoints.size());
  struct Pair {
    IpAddress ip;
    const Allowed* allowed;
    bool operator==(const Pair&) const = default;
  };
  struct PairHash {
    size_t operator()(const Pair& p) const {
      uint64_t words[2];
      std::memcpy(words, p.ip.bytes.data(), sizeof words);
      uint64_t h = (words[0] * 0x9E3779B97F4A7C15ull) ^ (words[1] + reinterpret_cast<uintptr_t>(p.allowed));
      h ^= h >> 29;
      h *= 0xBF58476D1CE4E5B9ull;
      return static_cast<size_t>(h ^ (h >> 32));
    }
  };
  std::unordered_map<Pair, uint32_t, PairHash> pair_index;
  std::vector<Pair> pairs;
  std::vector<uint32_t> pair_of;  // per endpoint address, in endpoint order
  std::vector<size_t> first_address(endpoints.size() + 1);
  pair_index.reserve(endpoints.size());
  pair_of.reserve(endpoints.size());
  for (size_t i = 0; i < endpoints.size(); ++i) {
    const Endpoint& e = *endpoints[i];
    allowed_of[i] = &allowed_cache->For(e.activity, e.data);
    first_address[i] = pair_of.size();
    auto add = [&](const IpAddress& ip) {
      auto [it, fresh] = pair_index.emplace(Pair{ip, allowed_of[i]}, static_cast<uint32_t>(pairs.size()));
      if (fresh) pairs.push_back(Pair{ip, allowed_of[i]});
      pair_of.push_back(it->second);
    };
    if (!e.host.empty()) {
      for (const IpAddress& ip : resolved[name_index.at(e.host)].addresses) add(ip);
    } else if (e.ip) {
      add(*e.ip);
    }
  }
  first_address[endpoints.size()] = pair_of.size();
  pair_index = {};

  std::vector<Observations::Ref> placed(pairs.size());
  std::vector<Status> failures(Workers(), Status::Ok());
  ParallelFor(pairs.size(), 4096, [&](size_t begin, size_t end, size_t chunk) {
    GeoAnswer answer;  // one per run of pairs: Lookup keeps its vector's capacity
    for (size_t k = begin; k < end; ++k) {
      if (Status st = in.geo.Lookup(pairs[k].ip, &answer); !st.ok()) {
        failures[chunk] = st;
        return;
      }
      AddressObservation o = Observe(std::move(answer), in.jurisdictions);  // leaves `answer` to be reset
      PlaceAddress(*pairs[k].allowed, &o);
      if (probed && in.vantage) {
        if (auto rtt = probed->min_connect_ms.find(pairs[k].ip); rtt != probed->min_connect_ms.end()) {
          ApplyPlausibility(in.vantage->Assess(rtt->second, Votes(o), pairs[k].allowed->countries), &o);
        }
      }
      placed[k] = std::make_shared<const AddressObservation>(std::move(o));
    }
  });
  for (const Status& st : failures) {
    if (!st.ok()) return st;
  }

  results->resize(endpoints.size());
  ParallelFor(endpoints.size(), 4096, [&](size_t begin, size_t end, size_t) {
    for (size_t i = begin; i < end; ++i) {
      const Endpoint* e = endpoints[i];
      EndpointResult& r = (*results)[i];  // emptied above
      r.id = m.QualifiedId(*e);
      r.node = m.nodes[e->node].id;
      r.activity = ActivityName(e->activity);
      r.data = e->data;
      AssignTargetText(*e, &r.target);
      r.target_kind = TargetKind(*e);
      if (e->declared_region) r.declared_region = e->declared_region->text;
      r.path = in.graph.EndpointPath(*e);
      r.ref = e->Ref();
      if (!e->host.empty()) {
        r.resolution = resolved[name_index.at(e->host)];
        if (in.host_patterns) {
          if (auto hm = in.host_patterns->Match(e->host)) {
            r.host_pattern = HostPatternEvidence{hm->provider, hm->region, hm->service, hm->pattern};
          }
        }
      } else {
        r.resolution.status = ResolveStatus::kOk;  // a literal: nothing to resolve
        if (e->ip) r.resolution.addresses.push_back(*e->ip);
      }
      r.allowed = allowed_of[i]->locations;
      for (size_t k = first_address[i]; k < first_address[i + 1]; ++k) r.observed.push_back(placed[pair_of[k]]);
      if (probed) {
        for (uint32_t p : probed->of_endpoint[first + i]) r.probes.push_back(probed->results[p]);
      }
      r.verdict = EndpointVerdict(r);
    }
  });
  if (probed) {  // few endpoints carry headers; the allowed-locations cache is not shared
    for (size_t i = 0; i < endpoints.size(); ++i) {
      EndpointResult& r = (*results)[i];
      if (r.probes.empty()) continue;
      ObserveHeaders(in, *endpoints[i], allowed_cache, &r);
      r.verdict = EndpointVerdict(r);
    }
  }
  return Status::Ok();
}

}  // namespace

std::vector<GeodbSourceInfo> DescribeGeodb(const Geo& geo) {
  // The SHA-256 of every database file (~38 MB with the default geodb, and its pages mapped
  // as they are read) took ~55 ms on one core of the project's VM: the whole resolve stage
  // of an estate of IP literals. The sources are hashed on every core, in the list's order.
  std::vector<const GeoSource*> present;
  for (const GeoSource& s : geo.sources()) {
    if (s.present) present.push_back(&s);
  }
  std::vector<GeodbSourceInfo> out(present.size());
  ParallelFor(present.size(), 1, [&](size_t begin, size_t end, size_t) {
    for (size_t i = begin; i < end; ++i) {
      const GeoSource& s = *present[i];
      MmdbMetadata m = s.db.Metadata();
      out[i] = GeodbSourceInfo{s.config.name, std::string(SourceKindName(s.config.kind)), s.config.file,
                               m.database_type, m.build_epoch, s.db.Sha256(), s.config.licence};
    }
  });
  return out;
}

Status Verify(const VerifyInputs& in, VerifyReport* report) {
  const Manifest& m = in.manifest;
  report->started_at = in.now();
  report->manifest_path = m.path;
  report->manifest_sha256 = m.sha256;
  report->profile = in.profile.name;
  report->profile_title = in.profile.title;
  report->service_id = m.service().id;
  report->service_name = m.service().name;
  report->geodb = DescribeGeodb(in.geo);
  report->resolver_servers = in.resolver.Servers();

  // Resolve each distinct name once.
  std::vector<const Endpoint*> endpoints;
  std::vector<std::string> names;
  std::map<std::string, size_t> name_index;
  for (const Node& n : m.nodes) {
    for (const Endpoint& e : n.endpoints) {
      if (in.only && !in.only->count(m.QualifiedId(e))) continue;
      endpoints.push_back(&e);
      if (!e.host.empty() && name_index.emplace(e.host, names.size()).second) names.push_back(e.host);
    }
  }
  auto done = [&](const char* stage) {
    if (in.stage_done) in.stage_done(stage);
  };
  std::vector<Resolution> resolved;
  if (Status s = in.resolver.ResolveAll(names, &resolved); !s.ok()) return s;
  done("resolve");

  Probed probed;
  if (in.prober) {
    report->probe = ProbeRun{};
    if (Status s = ProbeEndpoints(in, endpoints, resolved, name_index, &probed, &*report->probe); !s.ok()) return s;
    done("probe");
  }

  for (Finding& f : Lint(m, in.graph, in.jurisdictions, in.profile)) report->findings.push_back(std::move(f));
  MeasuredChecks checks(m, in.graph, in.jurisdictions, in.operators, in.profile);
  if (in.spare_memory) checks.GiveMemory(std::move(*in.spare_memory));
  AllowedCache allowed_cache(m);
  // Without a sink, one chunk: every endpoint stays in the report.
  const size_t chunk_size = in.sink ? std::max<size_t>(in.chunk, 1) : std::max<size_t>(endpoints.size(), 1);
  std::vector<EndpointResult> results;
  for (size_t first = 0; first < endpoints.size(); first += chunk_size) {
    std::vector<const Endpoint*> chunk(endpoints.begin() + static_cast<ptrdiff_t>(first),
                                       endpoints.begin() + static_cast<ptrdiff_t>(std::min(endpoints.size(), first + chunk_size)));
    if (Status s = VerifyChunk(in, chunk, first, resolved, name_index, in.prober ? &probed : nullptr, &allowed_cache,
                               &results);
        !s.ok()) {
      return s;
    }
    done("geolocate");
    checks.Add(chunk, results);
    done("check");
    if (in.sink) {
      for (const EndpointResult& r : results) report->streamed.Add(r.verdict);
      if (Status s = in.sink(*report, results); !s.ok()) return s;
      done("report");
    } else {
      report->endpoints = std::move(results);
    }
    if (in.progress) in.progress(std::min(endpoints.size(), first + chunk_size), endpoints.size());
  }
  checks.Finish(&report->findings);
  report->finished_at = in.now();
  done("check");
  return Status::Ok();
}

Status ReadReplay(const std::string& path, std::vector<Resolution>* resolutions, std::vector<std::string>* servers) {
  std::string text;
  if (Status s = ReadFile(path, &text); !s.ok()) return s.WithContext("--replay");
  JsonSource src;
  Diagnostic d;
  if (!src.Parse(path, std::move(text), &d)) return Status::InvalidInput(d.ToString());
  using rapidjson::Value;
  auto bad = [&](const Value* at, const std::string& pointer, const std::string& what) {
    return Status::InvalidInput(src.At(at, pointer, what + " (not a residency verify report?)").ToString());
  };
  const Value& root = src.doc();
  if (!root.IsObject() || !root.HasMember("endpoints") || !root["endpoints"].IsArray()) {
    return bad(&root, "", "expected an object with \"endpoints\"");
  }
  servers->clear();
  if (root.HasMember("resolver") && root["resolver"].IsObject() && root["resolver"].HasMember("servers") &&
      root["resolver"]["servers"].IsArray()) {
    for (const auto& sv : root["resolver"]["servers"].GetArray()) {
      if (sv.IsString()) servers->push_back(sv.GetString());
    }
  }
  auto str = [](const Value& o, const char* key) -> std::string {
    return o.IsObject() && o.HasMember(key) && o[key].IsString() ? o[key].GetString() : "";
  };
  std::set<std::string> seen;
  const Value& eps = root["endpoints"];
  for (rapidjson::SizeType i = 0; i < eps.Size(); ++i) {
    std::string pointer = PointerAppend("/endpoints", i) + "/resolution";
    if (!eps[i].IsObject() || !eps[i].HasMember("resolution")) return bad(&eps[i], PointerAppend("/endpoints", i), "no \"resolution\"");
    const Value& res = eps[i]["resolution"];
    if (!res.IsObject()) return bad(&res, pointer, "expected an object");
    std::string name = str(res, "name");
    if (name.empty() || !seen.insert(name).second) continue;  // a literal, or already read
    Resolution r;
    r.name = name;
    if (!ParseResolveStatus(str(res, "status"), &r.status)) return bad(&res, pointer + "/status", "unknown resolution status");
    r.detail = str(res, "detail");
    if (res.HasMember("cnames") && res["cnames"].IsArray()) {
      for (const auto& c : res["cnames"].GetArray()) {
        if (c.IsString()) r.cnames.push_back(c.GetString());
      }
    }
    if (res.HasMember("addresses") && res["addresses"].IsArray()) {
      for (rapidjson::SizeType k = 0; k < res["addresses"].Size(); ++k) {
        const Value& a = res["addresses"][k];
        auto ip = a.IsString() ? ParseIp(a.GetString()) : std::nullopt;
        if (!ip) return bad(&a, PointerAppend(pointer + "/addresses", k), "not an IP address");
        r.addresses.push_back(*ip);
      }
    }
    if (res.HasMember("evidence") && res["evidence"].IsArray()) {
      for (const auto& ev : res["evidence"].GetArray()) {
        DnsAnswer a;
        a.qname = str(ev, "qname");
        a.qtype = str(ev, "qtype");
        a.server = str(ev, "server");
        a.rcode = str(ev, "rcode");
        if (ev.IsObject() && ev.HasMember("time_unix_ms") && ev["time_unix_ms"].IsInt64()) {
          a.time_unix_ms = ev["time_unix_ms"].GetInt64();
        }
        if (ev.IsObject() && ev.HasMember("records") && ev["records"].IsArray()) {
          for (const auto& rec : ev["records"].GetArray()) {
            DnsRecord dr{str(rec, "name"), str(rec, "type"), 0, str(rec, "data")};
            if (rec.IsObject() && rec.HasMember("ttl") && rec["ttl"].IsUint()) dr.ttl = rec["ttl"].GetUint();
            a.records.push_back(std::move(dr));
          }
        }
        r.evidence.push_back(std::move(a));
      }
    }
    resolutions->push_back(std::move(r));
  }
  return Status::Ok();
}

}  // namespace residency
