#include "graph.h"

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/graph_concepts.hpp>
#include <boost/graph/graph_traits.hpp>
#include <boost/graph/visitors.hpp>
#include <boost/iterator/counting_iterator.hpp>
#include <boost/iterator/iterator_facade.hpp>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <limits>
#include <map>
#include <utility>

namespace residency {
namespace {

// The whole graph, as a Boost.Graph model over the manifest itself: vertices 0..N-1 are
// the manifest's nodes (the service first), the endpoints follow, node by node in manifest
// order; a node's out-edges are its flows (to nodes, in flow order) and then its membership
// edges (to its endpoints, in manifest order); an endpoint has none. Nothing per endpoint
// is stored: a vertex's kind and an edge's target follow from the index and two offsets
// per node, so building it is linear in the nodes and flows, not in the endpoints (a
// compressed sparse row copy took 8 bytes an endpoint, ~1 MB of memory new to the process
// at 100,000 endpoints, which cost more than the rest of the build). 32-bit indices: a
// manifest of 2^32 endpoints would be 100 GB of text.
class ManifestGraph {
 public:
  using Vertex = uint32_t;
  struct Edge {
    Vertex source = 0, target = 0;
    bool operator==(const Edge&) const = default;
  };
  // Out-edge k of vertex v.
  class OutEdgeIterator : public boost::iterator_facade<OutEdgeIterator, Edge, std::random_access_iterator_tag, Edge> {
   public:
    OutEdgeIterator() = default;
    OutEdgeIterator(const ManifestGraph* g, Vertex v, uint32_t k) : g_(g), v_(v), k_(k) {}

   private:
    friend class boost::iterator_core_access;
    Edge dereference() const { return Edge{v_, g_->Target(v_, k_)}; }
    bool equal(const OutEdgeIterator& o) const { return v_ == o.v_ && k_ == o.k_; }
    void increment() { ++k_; }
    void decrement() { --k_; }
    void advance(std::ptrdiff_t n) { k_ = static_cast<uint32_t>(static_cast<std::ptrdiff_t>(k_) + n); }
    std::ptrdiff_t distance_to(const OutEdgeIterator& o) const {
      return static_cast<std::ptrdiff_t>(o.k_) - static_cast<std::ptrdiff_t>(k_);
    }
    const ManifestGraph* g_ = nullptr;
    Vertex v_ = 0;
    uint32_t k_ = 0;
  };
  using VertexIterator = boost::counting_iterator<Vertex>;

  // The flows counted into order of source (stably: a node's flows keep their order), and
  // each node's first endpoint vertex.
  explicit ManifestGraph(const Manifest& m)
      : flow_targets_(m.flows.size()), first_flow_(m.nodes.size() + 1, 0), first_endpoint_(m.nodes.size() + 1) {
    for (const Flow& f : m.flows) ++first_flow_[f.from + 1];
    for (size_t n = 0; n < m.nodes.size(); ++n) first_flow_[n + 1] += first_flow_[n];
    std::vector<uint32_t> next(first_flow_.begin(), first_flow_.end() - 1);
    for (const Flow& f : m.flows) flow_targets_[next[f.from]++] = static_cast<uint32_t>(f.to);
    first_endpoint_[0] = static_cast<uint32_t>(m.nodes.size());
    for (size_t n = 0; n < m.nodes.size(); ++n) {
      first_endpoint_[n + 1] = first_endpoint_[n] + static_cast<uint32_t>(m.nodes[n].endpoints.size());
    }
  }

  uint32_t nodes() const { return static_cast<uint32_t>(first_endpoint_.size() - 1); }
  uint32_t vertex_count() const { return first_endpoint_.back(); }
  uint32_t edge_count() const { return static_cast<uint32_t>(flow_targets_.size()) + vertex_count() - nodes(); }
  uint32_t OutDegree(Vertex v) const {
    if (v >= nodes()) return 0;
    return first_flow_[v + 1] - first_flow_[v] + first_endpoint_[v + 1] - first_endpoint_[v];
  }
  Vertex Target(Vertex v, uint32_t k) const {
    const uint32_t flows = first_flow_[v + 1] - first_flow_[v];
    return k < flows ? flow_targets_[first_flow_[v] + k] : first_endpoint_[v] + (k - flows);
  }
  // The endpoint at vertex `v` (>= nodes()): its node and its index there.
  std::pair<size_t, size_t> EndpointAt(Vertex v) const {
    auto next = std::upper_bound(first_endpoint_.begin(), first_endpoint_.end(), v);
    size_t node = static_cast<size_t>(next - first_endpoint_.begin()) - 1;
    return {node, v - first_endpoint_[node]};
  }

 private:
  std::vector<uint32_t> flow_targets_;    // the flows' targets, in order of source
  std::vector<uint32_t> first_flow_;      // per node, and one past: index into flow_targets_
  std::vector<uint32_t> first_endpoint_;  // per node, and one past: its first endpoint's vertex
};

// Boost.Graph's free functions for ManifestGraph, found by argument-dependent lookup.
std::pair<ManifestGraph::OutEdgeIterator, ManifestGraph::OutEdgeIterator> out_edges(ManifestGraph::Vertex v,
                                                                                  const ManifestGraph& g) {
  return {ManifestGraph::OutEdgeIterator(&g, v, 0), ManifestGraph::OutEdgeIterator(&g, v, g.OutDegree(v))};
}
uint32_t out_degree(ManifestGraph::Vertex v, const ManifestGraph& g) { return g.OutDegree(v); }
ManifestGraph::Vertex source(const ManifestGraph::Edge& e, const ManifestGraph&) { return e.source; }
ManifestGraph::Vertex target(const ManifestGraph::Edge& e, const ManifestGraph&) { return e.target; }
std::pair<ManifestGraph::VertexIterator, ManifestGraph::VertexIterator> vertices(const ManifestGraph& g) {
  return {ManifestGraph::VertexIterator(0), ManifestGraph::VertexIterator(g.vertex_count())};
}
uint32_t num_vertices(const ManifestGraph& g) { return g.vertex_count(); }

}  // namespace
}  // namespace residency

namespace boost {
template <>
struct graph_traits<residency::ManifestGraph> {
  using vertex_descriptor = residency::ManifestGraph::Vertex;
  using edge_descriptor = residency::ManifestGraph::Edge;
  using directed_category = directed_tag;
  using edge_parallel_category = allow_parallel_edge_tag;  // two flows may join the same nodes
  struct traversal_category : incidence_graph_tag, vertex_list_graph_tag {};
  using out_edge_iterator = residency::ManifestGraph::OutEdgeIterator;
  using vertex_iterator = residency::ManifestGraph::VertexIterator;
  using degree_size_type = uint32_t;
  using vertices_size_type = uint32_t;
  using edges_size_type = uint32_t;
  static vertex_descriptor null_vertex() { return std::numeric_limits<uint32_t>::max(); }
};
}  // namespace boost

namespace residency {
namespace {

BOOST_CONCEPT_ASSERT((boost::IncidenceGraphConcept<ManifestGraph>));
BOOST_CONCEPT_ASSERT((boost::VertexListGraphConcept<ManifestGraph>));

// The nodes and the flows alone, where the searches run: each flow edge knows its flow,
// whose categories live beside the graph (FlowGraph's edges are few).
struct FlowProps {
  uint32_t flow = 0;  // index into the carried categories
};
// Compressed sparse row: its vertices and edges in two arrays, each allocated once (an
// adjacency list took a vector per node and grew it; at 10,000 subservices that memory,
// new to the process, was half the graph stage).
using FlowGraph =
    boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, FlowProps, boost::no_property, uint32_t, uint32_t>;
using Vertex = boost::graph_traits<FlowGraph>::vertex_descriptor;
using Edge = boost::graph_traits<FlowGraph>::edge_descriptor;

// Keeps the flow edges that carry one category.
struct CarriesCategory {
  const FlowGraph* g = nullptr;
  const std::vector<bool>* carries = nullptr;  // flow f carries category c: [f * categories + c]
  size_t categories = 0;
  size_t category = 0;
  bool operator()(const Edge& e) const { return (*carries)[(*g)[e].flow * categories + category]; }
};

}  // namespace

struct ServiceGraph::Impl {
  explicit Impl(const Manifest& m) : graph(m) {}
  ManifestGraph graph;
  std::map<std::string, size_t, std::less<>> categories;
  std::vector<bool> carries;  // flow f carries category c: [f * categories.size() + c]
  // predecessor[c][v]: the vertex before v on a shortest path carrying category c from the
  // service; v itself when v is the service or unreached (told apart by reached[c][v]).
  std::vector<std::vector<Vertex>> predecessor;
  std::vector<std::vector<bool>> reached;

  long Category(std::string_view name) const {
    auto it = categories.find(name);
    return it == categories.end() ? -1 : static_cast<long>(it->second);
  }
};

ServiceGraph::ServiceGraph(const Manifest& manifest) : manifest_(manifest), impl_(std::make_unique<Impl>(manifest)) {
  // The categories the flows carry. One that no flow carries reaches no node but the
  // service, which Reaches answers without an index; so the endpoints' categories need not
  // be read here (at a million endpoints that pass was a cache miss per endpoint).
  for (const Flow& f : manifest.flows) {
    for (const std::string& c : f.data) {
      if (impl_->categories.find(c) == impl_->categories.end()) impl_->categories.emplace(c, impl_->categories.size());
    }
  }
  const size_t nodes = manifest.nodes.size();
  // The flows also go into a graph of the nodes alone, where the searches below run: data
  // reaches nodes by flows only, and a search over the whole graph would walk every
  // endpoint's member edge once per category (a million at scale, out of the caches).
  const size_t categories = impl_->categories.size();
  impl_->carries.resize(manifest.flows.size() * categories);
  std::vector<std::pair<uint32_t, uint32_t>> edges;
  std::vector<FlowProps> props;
  edges.reserve(manifest.flows.size());
  props.reserve(manifest.flows.size());
  for (uint32_t k = 0; k < manifest.flows.size(); ++k) {
    const Flow& f = manifest.flows[k];
    for (const std::string& c : f.data) impl_->carries[k * categories + impl_->categories.find(c)->second] = true;
    edges.emplace_back(static_cast<uint32_t>(f.from), static_cast<uint32_t>(f.to));
    props.push_back(FlowProps{k});
  }
  // Counted into order of source stably (Boost's histogram sort): a node's flows keep their
  // manifest order, which picks the path among shortest ones.
  FlowGraph flows(boost::edges_are_unsorted_multi_pass, edges.begin(), edges.end(), props.begin(),
                  static_cast<uint32_t>(nodes));

  impl_->predecessor.resize(impl_->categories.size());
  impl_->reached.resize(impl_->categories.size());
  for (size_t c = 0; c < impl_->categories.size(); ++c) {
    boost::filtered_graph<FlowGraph, CarriesCategory> fg(flows, CarriesCategory{&flows, &impl_->carries, categories, c});
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
  WritePathTo(node, category, 0, &path);
  return path;
}

size_t ServiceGraph::WritePathTo(size_t node, std::string_view category, size_t tail,
                                 std::vector<std::string>* out) const {
  const std::vector<Vertex>* pred =
      node == 0 ? nullptr : &impl_->predecessor[static_cast<size_t>(impl_->Category(category))];
  size_t length = 1;  // the service
  if (pred) {
    for (Vertex v = static_cast<Vertex>(node); v != 0; v = (*pred)[v]) ++length;
  }
  out->resize(length + tail);
  if (pred) {
    size_t i = length;
    for (Vertex v = static_cast<Vertex>(node); v != 0; v = (*pred)[v]) (*out)[--i] = manifest_.nodes[v].id;
  }
  (*out)[0] = manifest_.nodes[0].id;
  return length;
}

std::vector<std::string> ServiceGraph::EndpointPath(const Endpoint& endpoint) const {
  std::vector<std::string> path;
  EndpointPath(endpoint, &path);
  return path;
}

void ServiceGraph::EndpointPath(const Endpoint& endpoint, std::vector<std::string>* out) const {
  const size_t node = endpoint.node;
  size_t length = 0;  // the nodes before the endpoint
  for (const std::string& c : endpoint.data) {
    if (!Reaches(node, c)) continue;
    length = WritePathTo(node, c, 1, out);
    break;
  }
  if (length == 0) {  // no category reaches the node: the node alone
    out->resize(2);
    (*out)[0] = manifest_.nodes[node].id;
    length = 1;
  }
  (*out)[length].assign(manifest_.nodes[node].id).append(1, '/').append(endpoint.id);
}

std::vector<std::string> ServiceGraph::Successors(size_t node) const {
  std::vector<std::string> out;
  const ManifestGraph& g = impl_->graph;
  for (auto [e, end] = out_edges(static_cast<uint32_t>(node), g); e != end; ++e) {
    uint32_t v = target(*e, g);
    if (v < g.nodes()) {
      out.push_back(manifest_.nodes[v].id);
    } else {
      auto [n, i] = g.EndpointAt(v);
      out.push_back(manifest_.QualifiedId(manifest_.nodes[n].endpoints[i]));
    }
  }
  return out;
}

size_t ServiceGraph::vertex_count() const { return num_vertices(impl_->graph); }
size_t ServiceGraph::edge_count() const { return impl_->graph.edge_count(); }

std::string JoinPath(const std::vector<std::string>& path) {
  std::string out;
  for (const std::string& p : path) out += (out.empty() ? "" : " -> ") + p;
  return out;
}

}  // namespace residency
