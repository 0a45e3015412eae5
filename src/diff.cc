#include "diff.h"

#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/prettywriter.h>

#include <algorithm>
#include <map>
#include <set>

#include "json_source.h"

namespace residency {
namespace {

using Value = rapidjson::Value;

// Reads fields of one object, remembering the first error with its location.
class Reader {
 public:
  Reader(const JsonSource& source, Diagnostic* error) : source_(source), error_(error) {}

  bool Fail(const Value* at, const std::string& pointer, const std::string& message) {
    *error_ = source_.At(at, pointer, message);
    return false;
  }

  // The member `key` of object `obj` (at `pointer`), or nullptr after an error when it is
  // required and missing.
  const Value* Member(const Value& obj, const std::string& pointer, const char* key, bool required) {
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd()) {
      if (required) Fail(&obj, pointer, std::string("missing \"") + key + "\"");
      return nullptr;
    }
    return &it->value;
  }

  bool String(const Value& obj, const std::string& pointer, const char* key, bool required, std::string* out) {
    const Value* v = Member(obj, pointer, key, required);
    if (!v) return !required;
    if (!v->IsString()) return Fail(v, PointerAppend(pointer, key), std::string("\"") + key + "\" must be a string");
    out->assign(v->GetString(), v->GetStringLength());
    return true;
  }

  bool StringArray(const Value& obj, const std::string& pointer, const char* key, std::vector<std::string>* out) {
    const Value* v = Member(obj, pointer, key, true);
    if (!v) return false;
    std::string at = PointerAppend(pointer, key);
    if (!v->IsArray()) return Fail(v, at, std::string("\"") + key + "\" must be an array of strings");
    for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
      const Value& e = (*v)[i];
      if (!e.IsString()) return Fail(&e, PointerAppend(at, static_cast<size_t>(i)), "expected a string");
      out->emplace_back(e.GetString(), e.GetStringLength());
    }
    return true;
  }

 private:
  const JsonSource& source_;
  Diagnostic* error_;
};

bool ReadAddress(Reader& rd, const Value& v, const std::string& at, SnapshotAddress* a) {
  if (!v.IsObject()) return rd.Fail(&v, at, "an observed address must be an object");
  if (!rd.String(v, at, "ip", true, &a->ip)) return false;
  if (const Value* c = rd.Member(v, at, "country", false); c && !c->IsNull()) {
    if (!c->IsString()) return rd.Fail(c, PointerAppend(at, "country"), "\"country\" must be a string or null");
    a->country = std::string(c->GetString(), c->GetStringLength());
  }
  a->placement = "unknown";
  if (!rd.String(v, at, "placement", false, &a->placement)) return false;
  if (a->placement != "inside" && a->placement != "outside" && a->placement != "unknown") {
    return rd.Fail(rd.Member(v, at, "placement", false), PointerAppend(at, "placement"),
                   "unknown placement \"" + a->placement + "\"" +
                       DidYouMean(a->placement, {"inside", "outside", "unknown"}) + "; expected inside, outside or unknown");
  }
  if (const Value* as = rd.Member(v, at, "as", false); as && !as->IsNull()) {
    std::string as_at = PointerAppend(at, "as");
    if (!as->IsObject()) return rd.Fail(as, as_at, "\"as\" must be an object or null");
    std::string organisation;
    if (!rd.String(*as, as_at, "organisation", false, &organisation)) return false;
    std::string label;
    if (const Value* n = rd.Member(*as, as_at, "number", false); n) {
      if (!n->IsUint()) return rd.Fail(n, PointerAppend(as_at, "number"), "\"number\" must be an AS number");
      label = "AS" + std::to_string(n->GetUint());
    }
    if (!organisation.empty()) label += (label.empty() ? "" : " ") + organisation;
    if (!label.empty()) a->operators.push_back(label);
  }
  if (const Value* feed = rd.Member(v, at, "feed", false); feed && !feed->IsNull()) {
    std::string feed_at = PointerAppend(at, "feed");
    if (!feed->IsObject()) return rd.Fail(feed, feed_at, "\"feed\" must be an object or null");
    std::string provider;
    if (!rd.String(*feed, feed_at, "provider", false, &provider)) return false;
    if (!provider.empty()) a->operators.push_back("feed " + provider);
  }
  return true;
}

bool ReadEndpoint(Reader& rd, const Value& v, const std::string& at, SnapshotEndpoint* e) {
  if (!v.IsObject()) return rd.Fail(&v, at, "an endpoint must be an object");
  if (!rd.String(v, at, "id", true, &e->id)) return false;
  size_t slash = e->id.find('/');
  if (e->id.empty() || slash == 0 || slash == std::string::npos) {
    return rd.Fail(rd.Member(v, at, "id", true), PointerAppend(at, "id"),
                   "endpoint id \"" + e->id + "\" is not NODE/ENDPOINT");
  }
  e->node = e->id.substr(0, slash);
  if (!rd.String(v, at, "verdict", true, &e->verdict)) return false;
  if (e->verdict != "pass" && e->verdict != "fail" && e->verdict != "unverified") {
    return rd.Fail(rd.Member(v, at, "verdict", true), PointerAppend(at, "verdict"),
                   "unknown verdict \"" + e->verdict + "\"" + DidYouMean(e->verdict, {"pass", "fail", "unverified"}) +
                       "; expected pass, fail or unverified");
  }
  if (!rd.StringArray(v, at, "allowed", &e->allowed)) return false;
  const Value* observed = rd.Member(v, at, "observed", true);
  if (!observed) return false;
  std::string obs_at = PointerAppend(at, "observed");
  if (!observed->IsArray()) return rd.Fail(observed, obs_at, "\"observed\" must be an array");
  for (rapidjson::SizeType i = 0; i < observed->Size(); ++i) {
    SnapshotAddress a;
    if (!ReadAddress(rd, (*observed)[i], PointerAppend(obs_at, static_cast<size_t>(i)), &a)) return false;
    e->observed.push_back(std::move(a));
  }
  return true;
}

template <typename T>
std::vector<T> Minus(const std::set<T>& a, const std::set<T>& b) {
  std::vector<T> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

std::set<std::string> CountriesOf(const std::vector<const SnapshotEndpoint*>& endpoints) {
  std::set<std::string> out;
  for (const SnapshotEndpoint* e : endpoints) {
    for (const SnapshotAddress& a : e->observed) {
      if (a.country) out.insert(*a.country);
    }
  }
  return out;
}

std::set<std::string> OperatorsOf(const std::vector<const SnapshotEndpoint*>& endpoints) {
  std::set<std::string> out;
  for (const SnapshotEndpoint* e : endpoints) {
    for (const SnapshotAddress& a : e->observed) out.insert(a.operators.begin(), a.operators.end());
  }
  return out;
}

AddressChange Change(const SnapshotAddress& a) { return {a.ip, a.country, a.placement}; }

EndpointChange DiffEndpoint(const SnapshotEndpoint* o, const SnapshotEndpoint* n) {
  EndpointChange c;
  c.id = o ? o->id : n->id;
  c.node = o ? o->node : n->node;
  c.old_verdict = o ? o->verdict : "";
  c.new_verdict = n ? n->verdict : "";
  std::map<std::string, const SnapshotAddress*> old_addresses, new_addresses;
  if (o) for (const SnapshotAddress& a : o->observed) old_addresses.emplace(a.ip, &a);
  if (n) for (const SnapshotAddress& a : n->observed) new_addresses.emplace(a.ip, &a);
  for (const auto& [ip, a] : new_addresses) {
    auto it = old_addresses.find(ip);
    if (it == old_addresses.end()) c.addresses_added.push_back(Change(*a));
    if (a->placement == "outside" && (it == old_addresses.end() || it->second->placement != "outside")) {
      c.moved_outside.push_back(Change(*a));
    }
  }
  for (const auto& [ip, a] : old_addresses) {
    if (!new_addresses.count(ip)) c.addresses_removed.push_back(Change(*a));
  }
  std::vector<const SnapshotEndpoint*> olds, news;
  if (o) olds.push_back(o);
  if (n) news.push_back(n);
  std::set<std::string> oc = CountriesOf(olds), nc = CountriesOf(news);
  c.countries_added = Minus(nc, oc);
  c.countries_removed = Minus(oc, nc);
  std::set<std::string> oo = OperatorsOf(olds), no = OperatorsOf(news);
  c.operators_added = Minus(no, oo);
  c.operators_removed = Minus(oo, no);
  c.became_fail = c.new_verdict == "fail" && c.old_verdict != "fail";
  return c;
}

bool Changed(const EndpointChange& c) {
  return c.added() || c.removed() || c.old_verdict != c.new_verdict || !c.addresses_added.empty() ||
         !c.addresses_removed.empty() || !c.moved_outside.empty() || !c.operators_added.empty() ||
         !c.operators_removed.empty();
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out;
}

std::string AddressText(const AddressChange& a) {
  return a.ip + " (" + (a.country ? *a.country : "?") + ", " + a.placement + ")";
}

std::string AddressList(const std::vector<AddressChange>& list) {
  std::vector<std::string> items;
  for (const AddressChange& a : list) items.push_back(AddressText(a));
  return Join(items);
}

}  // namespace

bool ReadVerifyReportJson(const std::string& path, std::string text, ReportSnapshot* out, Diagnostic* error) {
  *out = ReportSnapshot();
  out->path = path;
  JsonSource source;
  if (!source.Parse(path, std::move(text), error)) return false;
  Reader rd(source, error);
  const Value& root = source.doc();
  if (!root.IsObject()) return rd.Fail(&root, "", "expected a verify report (a JSON object)");
  if (auto kind = root.FindMember("kind"); kind != root.MemberEnd() && kind->value.IsString() &&
                                           std::string(kind->value.GetString()) != "verify") {
    return rd.Fail(&kind->value, "/kind",
                   std::string("this is a ") + kind->value.GetString() + " report; diff compares verify reports");
  }
  const Value* version = rd.Member(root, "", "report_version", true);
  if (!version) return false;
  if (!version->IsInt() || version->GetInt() != 1) {
    return rd.Fail(version, "/report_version", "unsupported report_version (this residency reads version 1)");
  }
  if (const Value* manifest = rd.Member(root, "", "manifest", false); manifest && manifest->IsObject()) {
    if (!rd.String(*manifest, "/manifest", "sha256", false, &out->manifest_sha256)) return false;
  }
  if (!rd.String(root, "", "profile", false, &out->profile)) return false;
  const Value* endpoints = rd.Member(root, "", "endpoints", true);
  if (!endpoints) return false;
  if (!endpoints->IsArray()) return rd.Fail(endpoints, "/endpoints", "\"endpoints\" must be an array");
  std::set<std::string> ids;
  for (rapidjson::SizeType i = 0; i < endpoints->Size(); ++i) {
    std::string at = PointerAppend("/endpoints", static_cast<size_t>(i));
    SnapshotEndpoint e;
    if (!ReadEndpoint(rd, (*endpoints)[i], at, &e)) return false;
    if (!ids.insert(e.id).second) {
      return rd.Fail(&(*endpoints)[i]["id"], PointerAppend(at, "id"), "duplicate endpoint \"" + e.id + "\"");
    }
    out->endpoints.push_back(std::move(e));
  }
  return true;
}

bool ReportDiff::MovedOutside() const {
  return std::any_of(endpoints.begin(), endpoints.end(),
                     [](const EndpointChange& c) { return c.became_fail || !c.moved_outside.empty(); });
}

ReportDiff DiffReports(const ReportSnapshot& old_report, const ReportSnapshot& new_report) {
  ReportDiff d;
  d.old_path = old_report.path;
  d.new_path = new_report.path;
  d.old_sha256 = old_report.manifest_sha256;
  d.new_sha256 = new_report.manifest_sha256;

  std::map<std::string, const SnapshotEndpoint*> olds, news;
  for (const SnapshotEndpoint& e : old_report.endpoints) olds.emplace(e.id, &e);
  for (const SnapshotEndpoint& e : new_report.endpoints) news.emplace(e.id, &e);
  std::set<std::string> ids;
  for (const auto& [id, e] : olds) ids.insert(id);
  for (const auto& [id, e] : news) ids.insert(id);
  for (const std::string& id : ids) {
    auto o = olds.find(id);
    auto n = news.find(id);
    EndpointChange c = DiffEndpoint(o == olds.end() ? nullptr : o->second, n == news.end() ? nullptr : n->second);
    if (Changed(c)) d.endpoints.push_back(std::move(c));
  }

  std::map<std::string, std::vector<const SnapshotEndpoint*>> old_nodes, new_nodes;
  for (const SnapshotEndpoint& e : old_report.endpoints) old_nodes[e.node].push_back(&e);
  for (const SnapshotEndpoint& e : new_report.endpoints) new_nodes[e.node].push_back(&e);
  std::set<std::string> nodes;
  for (const auto& [node, list] : old_nodes) nodes.insert(node);
  for (const auto& [node, list] : new_nodes) nodes.insert(node);
  static const std::vector<const SnapshotEndpoint*> kNone;
  for (const std::string& node : nodes) {
    auto o = old_nodes.find(node);
    auto n = new_nodes.find(node);
    const auto& ol = o == old_nodes.end() ? kNone : o->second;
    const auto& nl = n == new_nodes.end() ? kNone : n->second;
    SubserviceChange s;
    s.node = node;
    s.added = ol.empty();
    s.removed = nl.empty();
    std::set<std::string> oe, ne;
    for (const SnapshotEndpoint* e : ol) oe.insert(e->id);
    for (const SnapshotEndpoint* e : nl) ne.insert(e->id);
    s.endpoints_added = Minus(ne, oe);
    s.endpoints_removed = Minus(oe, ne);
    std::set<std::string> oc = CountriesOf(ol), nc = CountriesOf(nl);
    s.countries_added = Minus(nc, oc);
    s.countries_removed = Minus(oc, nc);
    std::set<std::string> oo = OperatorsOf(ol), no = OperatorsOf(nl);
    s.operators_added = Minus(no, oo);
    s.operators_removed = Minus(oo, no);
    if (s.added || s.removed || !s.endpoints_added.empty() || !s.endpoints_removed.empty() ||
        !s.countries_added.empty() || !s.countries_removed.empty() || !s.operators_added.empty() ||
        !s.operators_removed.empty()) {
      d.subservices.push_back(std::move(s));
    }
  }
  return d;
}

void RenderDiffText(const ReportDiff& d, std::ostream& out) {
  out << "residency diff " << d.old_path << " " << d.new_path << "\n";
  if (d.old_sha256 != d.new_sha256) {
    out << "manifest sha256 " << d.old_sha256.substr(0, 12) << " -> " << d.new_sha256.substr(0, 12) << "\n";
  }
  if (d.Empty()) {
    out << "\nno location changes\n";
    return;
  }
  auto line = [&out](const char* label, const std::string& text) {
    if (!text.empty()) out << "  " << label << ": " << text << "\n";
  };
  for (const SubserviceChange& s : d.subservices) {
    out << "\nsubservice " << s.node << (s.added ? " (added)" : s.removed ? " (removed)" : "") << "\n";
    line("endpoints added", Join(s.endpoints_added));
    line("endpoints removed", Join(s.endpoints_removed));
    line("countries added", Join(s.countries_added));
    line("countries removed", Join(s.countries_removed));
    line("operators added", Join(s.operators_added));
    line("operators removed", Join(s.operators_removed));
  }
  for (const EndpointChange& c : d.endpoints) {
    out << "\nendpoint " << c.id;
    if (c.added()) out << " (added, " << c.new_verdict << ")";
    else if (c.removed()) out << " (removed, was " << c.old_verdict << ")";
    out << "\n";
    if (!c.added() && !c.removed() && c.old_verdict != c.new_verdict) {
      line("verdict", c.old_verdict + " -> " + c.new_verdict);
    }
    line("addresses added", AddressList(c.addresses_added));
    line("addresses removed", AddressList(c.addresses_removed));
    line("countries added", Join(c.countries_added));
    line("countries removed", Join(c.countries_removed));
    line("operators added", Join(c.operators_added));
    line("operators removed", Join(c.operators_removed));
    line("MOVED OUTSIDE", AddressList(c.moved_outside));
  }
  std::vector<std::string> moved;
  for (const EndpointChange& c : d.endpoints) {
    if (c.became_fail || !c.moved_outside.empty()) moved.push_back(c.id);
  }
  out << "\n" << d.subservices.size() << " subservice(s) and " << d.endpoints.size() << " endpoint(s) changed; ";
  if (moved.empty()) {
    out << "nothing moved outside the allowed locations\n";
  } else {
    out << "outside the allowed locations now: " << Join(moved) << "\n";
  }
}

void RenderDiffJson(const ReportDiff& d, std::ostream& out) {
  rapidjson::OStreamWrapper os(out);
  rapidjson::PrettyWriter<rapidjson::OStreamWrapper> w(os);
  w.SetIndent(' ', 2);
  auto strings = [&w](const char* key, const std::vector<std::string>& items) {
    w.Key(key);
    w.StartArray();
    for (const std::string& s : items) w.String(s);
    w.EndArray();
  };
  auto addresses = [&w](const char* key, const std::vector<AddressChange>& items) {
    w.Key(key);
    w.StartArray();
    for (const AddressChange& a : items) {
      w.StartObject();
      w.Key("ip"); w.String(a.ip);
      w.Key("country");
      if (a.country) w.String(*a.country); else w.Null();
      w.Key("placement"); w.String(a.placement);
      w.EndObject();
    }
    w.EndArray();
  };
  auto verdict = [&w](const char* key, const std::string& v) {
    w.Key(key);
    if (v.empty()) w.Null(); else w.String(v);
  };
  w.StartObject();
  w.Key("diff_version"); w.Int(1);
  w.Key("old");
  w.StartObject();
  w.Key("path"); w.String(d.old_path);
  w.Key("manifest_sha256"); w.String(d.old_sha256);
  w.EndObject();
  w.Key("new");
  w.StartObject();
  w.Key("path"); w.String(d.new_path);
  w.Key("manifest_sha256"); w.String(d.new_sha256);
  w.EndObject();
  w.Key("moved_outside"); w.Bool(d.MovedOutside());
  w.Key("subservices");
  w.StartArray();
  for (const SubserviceChange& s : d.subservices) {
    w.StartObject();
    w.Key("node"); w.String(s.node);
    w.Key("change"); w.String(s.added ? "added" : s.removed ? "removed" : "changed");
    strings("endpoints_added", s.endpoints_added);
    strings("endpoints_removed", s.endpoints_removed);
    strings("countries_added", s.countries_added);
    strings("countries_removed", s.countries_removed);
    strings("operators_added", s.operators_added);
    strings("operators_removed", s.operators_removed);
    w.EndObject();
  }
  w.EndArray();
  w.Key("endpoints");
  w.StartArray();
  for (const EndpointChange& c : d.endpoints) {
    w.StartObject();
    w.Key("id"); w.String(c.id);
    w.Key("node"); w.String(c.node);
    w.Key("change"); w.String(c.added() ? "added" : c.removed() ? "removed" : "changed");
    verdict("old_verdict", c.old_verdict);
    verdict("new_verdict", c.new_verdict);
    addresses("addresses_added", c.addresses_added);
    addresses("addresses_removed", c.addresses_removed);
    strings("countries_added", c.countries_added);
    strings("countries_removed", c.countries_removed);
    strings("operators_added", c.operators_added);
    strings("operators_removed", c.operators_removed);
    addresses("moved_outside", c.moved_outside);
    w.Key("became_fail"); w.Bool(c.became_fail);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  out << "\n";
}

}  // namespace residency
