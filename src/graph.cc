#include "graph.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/visitors.hpp>

#include <cstdint>
#include <map>

namespace residency {
namespace {

enum class EdgeKind { kFlow, kMember };

struct VertexProps {
  bool is_endpoint = false;
  size_t node = 0;      // manifest node index (of the endpoint's node, for an endpoint)
  size_t endpoint = 0;  // index within the node's endpoints
};

// Boost keeps each edge's properties on the heap, one allocation an edge (a million
// membership edges at scale), so they are kept small: a flow's categories live beside the
// graph, by flow index.
struct EdgeProps {
  EdgeKind kind = EdgeKind::kFlow;
  uint32_t flow = 0;  // index into the carried categories, for a flow
};

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, VertexProps, EdgeProps>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;
using Edge = boost::graph_traits<Graph>::edge_descriptor;

// Keeps the flow edges that carry one category.
struct CarriesCategory {
  const Graph* g = nullptr;
  const std::vector<std::vector<bool>>* carries = nullptr;  // per flow, by category index
  size_t category = 0;
  bool operator()(const Edge& e) const {
    const EdgeProps& p = (*g)[e];
    if (p.kind != EdgeKind::kFlow) return false;
    const std::vector<bool>& c = (*carries)[p.flow];
    return category < c.size() && c[category];
  }
};

}  // namespace

struct ServiceGraph::Impl {
  Graph graph;
  std::map<std::string, size_t, std::less<>> categories;
  std::vector<std::vector<bool>> carries;  // per flow edge, by category index
  // predecessor[c][v]: the vertex before v on a shortest path carrying category c from the
  // service; v itself when v is the service or unreached (told apart by reached[c][v]).
  std::vector<std::vector<Vertex>> predecessor;
  std::vector<std::vector<bool>> reached;

  long Category(std::string_view name) const {
    auto it = categories.find(name);
    return it == categories.end() ? -1 : static_cast<long>(it->second);
  }
};

ServiceGraph::ServiceGraph(const Manifest& manifest) : manifest_(manifest), impl_(std::make_unique<Impl>()) {
  Graph& g = impl_->graph;
  // The categories the flows carry. One that no flow carries reaches no node but the
  // service, which Reaches answers without an index; so the endpoints' categories need not
  // be read here (at a million endpoints that pass was a cache miss per endpoint).
  for (const Flow& f : manifest.flows) {
    for (const std::string& c : f.data) {
      if (impl_->categories.find(c) == impl_->categories.end()) impl_->categories.emplace(c, impl_->categories.size());
    }
  }
  // Manifest nodes are vertices 0..N-1, in manifest order; endpoints follow.
  for (size_t i = 0; i < manifest.nodes.size(); ++i) boost::add_vertex(VertexProps{false, i, 0}, g);
  for (size_t i = 0; i < manifest.nodes.size(); ++i) {
    for (size_t k = 0; k < manifest.nodes[i].endpoints.size(); ++k) {
      Vertex v = boost::add_vertex(VertexProps{true, i, k}, g);
      boost::add_edge(i, v, EdgeProps{EdgeKind::kMember, 0}, g);
    }
  }
  // The flows also go into a graph of the nodes alone, where the searches below run: data
  // reaches nodes by flows only, and a search over the whole graph would walk every
  // endpoint's member edge once per category (a million at scale, out of the caches).
  const size_t nodes = manifest.nodes.size();
  Graph flows(nodes);
  for (const Flow& f : manifest.flows) {
    std::vector<bool>& carries = impl_->carries.emplace_back(impl_->categories.size());
    for (const std::string& c : f.data) carries[impl_->categories.at(c)] = true;
    EdgeProps p{EdgeKind::kFlow, static_cast<uint32_t>(impl_->carries.size() - 1)};
    boost::add_edge(f.from, f.to, p, g);
    boost::add_edge(f.from, f.to, p, flows);
  }

  impl_->predecessor.resize(impl_->categories.size());
  impl_->reached.resize(impl_->categories.size());
  for (size_t c = 0; c < impl_->categories.size(); ++c) {
    boost::filtered_graph<Graph, CarriesCategory> fg(flows, CarriesCategory{&flows, &impl_->carries, c});
    std::vector<Vertex> pred(nodes);
    for (Vertex v = 0; v < pred.size(); ++v) pred[v] = v;
    std::vector<boost::default_color_type> color(nodes);
    boost::breadth_first_search(
        fg, Vertex{0},
        boost::visitor(boost::make_bfs_visitor(boost::record_predecessors(pred.data(), boost::on_tree_edge())))
            .color_map(boost::make_iterator_property_map(color.begin(), boost::get(boost::vertex_index, flows))));
    impl_->reached[c].resize(nodes);
    for (Vertex v = 0; v < nodes; ++v) impl_->reached[c][v] = color[v] != boost::white_color;
    impl_->predecessor[c] = std::move(pred);
  }
}

ServiceGraph::~ServiceGraph() = default;

bool ServiceGraph::Reaches(size_t node, std::string_view category) const {
  if (node == 0) return true;  // the service is the origin of every category
  long c = impl_->Category(category);
  return c >= 0 && impl_->reached[static_cast<size_t>(c)][node];
}

std::vector<std::string> ServiceGraph::PathTo(size_t node, std::string_view category) const {
  if (!Reaches(node, category)) return {};
  std::vector<std::string> path;
  if (node != 0) {
    const auto& pred = impl_->predecessor[static_cast<size_t>(impl_->Category(category))];
    for (Vertex v = node; v != 0; v = pred[v]) path.push_back(manifest_.nodes[v].id);
  }
  path.push_back(manifest_.nodes[0].id);
  return std::vector<std::string>(path.rbegin(), path.rend());
}

std::vector<std::string> ServiceGraph::EndpointPath(const Endpoint& endpoint) const {
  std::vector<std::string> path;
  for (const std::string& c : endpoint.data) {
    path = PathTo(endpoint.node, c);
    if (!path.empty()) break;
  }
  if (path.empty()) path.push_back(manifest_.nodes[endpoint.node].id);
  path.push_back(endpoint.qualified_id);
  return path;
}

size_t ServiceGraph::vertex_count() const { return boost::num_vertices(impl_->graph); }
size_t ServiceGraph::edge_count() const { return boost::num_edges(impl_->graph); }

std::string JoinPath(const std::vector<std::string>& path) {
  std::string out;
  for (const std::string& p : path) out += (out.empty() ? "" : " -> ") + p;
  return out;
}

}  // namespace residency
