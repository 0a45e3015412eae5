// Graphviz dot of the location graph as the report sees it: the path of every endpoint
// (service -> subservice ... -> NODE/ENDPOINT) drawn as edges, endpoints as boxes filled by
// verdict, nodes as ellipses filled by their worst endpoint. Node ids in dot are the
// report's ids, quoted, so any character is safe.
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "render.h"
#include "render_util.h"

namespace residency {
namespace {

// A dot double-quoted string: backslash and quote escaped, newlines as \n.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out + "\"";
}

std::string_view Colour(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "palegreen";
    case Verdict::kFail: return "tomato";
    case Verdict::kUnverified: return "orange";
  }
  return "white";
}

// Worse verdicts rank higher: fail > unverified > pass.
int Rank(Verdict v) {
  switch (v) {
    case Verdict::kPass: return 0;
    case Verdict::kUnverified: return 1;
    case Verdict::kFail: return 2;
  }
  return 1;
}

}  // namespace

void RenderVerifyDot(const VerifyReport& r, std::ostream& out) {
  std::map<std::string, Verdict> node_verdict;  // nodes on some path, by worst endpoint
  std::vector<std::string> node_order;
  std::set<std::pair<std::string, std::string>> seen_edges;
  std::vector<std::pair<std::string, std::string>> edges;
  std::set<std::string> endpoint_ids;
  for (const EndpointResult& e : r.endpoints) endpoint_ids.insert(e.id);

  for (const EndpointResult& e : r.endpoints) {
    std::vector<std::string> path = e.path;
    if (path.empty() || path.back() != e.id) path.push_back(e.id);
    for (size_t i = 0; i < path.size(); ++i) {
      const std::string& id = path[i];
      if (id != e.id) {
        auto [it, inserted] = node_verdict.emplace(id, e.verdict);
        if (inserted) node_order.push_back(id);
        else if (Rank(e.verdict) > Rank(it->second)) it->second = e.verdict;
      }
      if (i > 0 && seen_edges.emplace(path[i - 1], id).second) edges.emplace_back(path[i - 1], id);
    }
  }

  out << "digraph residency {\n";
  out << "  graph [rankdir=LR, label=" << Quote(r.service_name.empty() ? r.service_id : r.service_name + " (" + r.service_id + ")")
      << ", labelloc=t, fontname=\"Helvetica\"];\n";
  out << "  node [fontname=\"Helvetica\", style=filled];\n";
  for (const std::string& id : node_order) {
    if (endpoint_ids.count(id)) continue;
    Verdict v = node_verdict[id];
    out << "  " << Quote(id) << " [shape=" << (id == r.service_id ? "doubleoctagon" : "ellipse")
        << ", fillcolor=" << Colour(v) << "];\n";
  }
  for (const EndpointResult& e : r.endpoints) {
    std::string label = e.id + "\n" + e.target;
    std::vector<std::string> countries = render::Countries(e);
    label += "\n" + std::string(render::Name(e.verdict)) + ": " + Join(countries, " ", "?") + " (allowed " +
             Join(e.allowed, " ", "-") + ")";
    out << "  " << Quote(e.id) << " [shape=box, fillcolor=" << Colour(e.verdict) << ", label=" << Quote(label)
        << "];\n";
  }
  for (const auto& [from, to] : edges) out << "  " << Quote(from) << " -> " << Quote(to) << ";\n";
  out << "}\n";
}

}  // namespace residency
