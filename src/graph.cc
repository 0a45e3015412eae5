#include "graph.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/visitors.hpp>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <utility>

namespace residency {
namespace {

// The whole graph: vertices 0..N-1 are the manifest's nodes (the service first), the
// endpoints follow, node by node in manifest order; membership edges (node -> endpoint)
// and flow edges (node -> node). A vertex's and an edge's kind follow from the index, so
// neither carries properties. Immutable, so in compressed sparse row form: 4 bytes a
// vertex and 4 an edge, allocated once (an adjacency_list took 48 bytes a vertex in a
// vector grown by doubling, a growing out-edge vector per node and a heap allocation per
// edge's properties: ~80 MB of memory new to the process at a million endpoints).
// 32-bit indices: a manifest of 2^32 endpoints would be 100 GB of text.
using Graph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                                 boost::no_property, uint32_t, uint32_t>;
using Pair = std::pair<uint32_t, uint32_t>;

// The whole graph's edges in order of source, as the CSR constructor reads them, in one
// pass and stored nowhere else: each node's flows (`flows` sorted by source), then its
// membership edges.
class EdgesBySource {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = Pair;
  using difference_type = std::ptrdiff_t;
  using pointer = const Pair*;
  using reference = const Pair&;

  // The first edge; with `end`, past the last.
  EdgesBySource(const Manifest& m, const std::vector<Pair>& flows, bool end)
      : m_(&m), flows_(&flows), node_(end ? m.nodes.size() : 0), flow_(end ? flows.size() : 0),
        endpoint_vertex_(m.nodes.size()) {
    Settle();
  }
  reference operator*() const { return edge_; }
  pointer operator->() const { return &edge_; }
  EdgesBySource& operator++() {
    if (AtFlow()) ++flow_;
    else ++member_;
    Settle();
    return *this;
  }
  bool operator==(const EdgesBySource& o) const { return node_ == o.node_ && flow_ == o.flow_ && member_ == o.member_; }

 private:
  bool AtFlow() const { return flow_ < flows_->size() && (*flows_)[flow_].first == node_; }
  // Makes edge_ the edge at the position, moving on to the next node with one left.
  void Settle() {
    for (; node_ < m_->nodes.size(); ++node_) {
      if (AtFlow()) {
        edge_ = (*flows_)[flow_];
        return;
      }
      if (member_ < m_->nodes[node_].endpoints.size()) {
        edge_ = Pair(static_cast<uint32_t>(node_), static_cast<uint32_t>(endpoint_vertex_ + member_));
        return;
      }
      endpoint_vertex_ += member_;
      member_ = 0;
    }
  }
  const Manifest* m_;
  const std::vector<Pair>* flows_;
  size_t node_, flow_, member_ = 0, endpoint_vertex_;
  Pair edge_;
};

// The nodes and the flows alone, where the searches run: each flow edge knows its flow,
// whose categories live beside the graph (FlowGraph's edges are few).
struct FlowProps {
  uint32_t flow = 0;  // index into the carried categories
};
using FlowGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property, FlowProps>;
using Vertex = boost::graph_traits<FlowGraph>::vertex_descriptor;
using Edge = boost::graph_traits<FlowGraph>::edge_descriptor;

// Keeps the flow edges that carry one category.
struct CarriesCategory {
  const FlowGraph* g = nullptr;
  const std::vector<std::vector<bool>>* carries = nullptr;  // per flow, by category index
  size_t category = 0;
  bool operator()(const Edge& e) const {
    const std::vector<bool>& c = (*carries)[(*g)[e].flow];
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
  // The categories the flows carry. One that no flow carries reaches no node but the
  // service, which Reaches answers without an index; so the endpoints' categories need not
  // be read here (at a million endpoints that pass was a cache miss per endpoint).
  for (const Flow& f : manifest.flows) {
    for (const std::string& c : f.data) {
      if (impl_->categories.find(c) == impl_->categories.end()) impl_->categories.emplace(c, impl_->categories.size());
    }
  }
  size_t vertices = manifest.nodes.size();
  for (const Node& n : manifest.nodes) vertices += n.endpoints.size();
  std::vector<Pair> flows_by_source;
  for (const Flow& f : manifest.flows) flows_by_source.emplace_back(static_cast<uint32_t>(f.from), static_cast<uint32_t>(f.to));
  std::stable_sort(flows_by_source.begin(), flows_by_source.end(),
                   [](const Pair& a, const Pair& b) { return a.first < b.first; });
  impl_->graph = Graph(boost::edges_are_sorted, EdgesBySource(manifest, flows_by_source, false),
                       EdgesBySource(manifest, flows_by_source, true), static_cast<uint32_t>(vertices),
                       static_cast<uint32_t>(vertices - manifest.nodes.size() + manifest.flows.size()));
  // The flows also go into a graph of the nodes alone, where the searches below run: data
  // reaches nodes by flows only, and a search over the whole graph would walk every
  // endpoint's member edge once per category (a million at scale, out of the caches).
  const size_t nodes = manifest.nodes.size();
  FlowGraph flows(nodes);
  for (const Flow& f : manifest.flows) {
    std::vector<bool>& carries = impl_->carries.emplace_back(impl_->categories.size());
    for (const std::string& c : f.data) carries[impl_->categories.at(c)] = true;
    boost::add_edge(f.from, f.to, FlowProps{static_cast<uint32_t>(impl_->carries.size() - 1)}, flows);
  }

  impl_->predecessor.resize(impl_->categories.size());
  impl_->reached.resize(impl_->categories.size());
  for (size_t c = 0; c < impl_->categories.size(); ++c) {
    boost::filtered_graph<FlowGraph, CarriesCategory> fg(flows, CarriesCategory{&flows, &impl_->carries, c});
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
  std::reverse(path.begin(), path.end());
  return path;
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

std::vector<std::string> ServiceGraph::Successors(size_t node) const {
  std::vector<std::string> out;
  const size_t nodes = manifest_.nodes.size();
  for (auto [e, end] = boost::out_edges(static_cast<uint32_t>(node), impl_->graph); e != end; ++e) {
    size_t v = boost::target(*e, impl_->graph);
    if (v < nodes) {
      out.push_back(manifest_.nodes[v].id);
      continue;
    }
    // An endpoint: its node's endpoints are contiguous, so it is found by counting.
    size_t first = nodes;
    for (size_t n = 0; n < node; ++n) first += manifest_.nodes[n].endpoints.size();
    out.push_back(manifest_.nodes[node].endpoints[v - first].qualified_id);
  }
  return out;
}

size_t ServiceGraph::vertex_count() const { return boost::num_vertices(impl_->graph); }
size_t ServiceGraph::edge_count() const { return boost::num_edges(impl_->graph); }

std::string JoinPath(const std::vector<std::string>& path) {
  std::string out;
  for (const std::string& p : path) out += (out.empty() ? "" : " -> ") + p;
  return out;
}

}  // namespace residency
