// ServiceGraph: the service, its subservices and their endpoints as a Boost.Graph, with
// flows (carrying data categories) and membership (node -> its endpoints) as edges. It
// answers which data categories reach which node -- from the service, the origin of every
// category, along flows that carry that category; cycles are legal -- and by which path,
// so that every diagnostic can name it: "acme-crm -> mailer -> mailer/smtp".
//
// The graph keeps a reference to the Manifest it was built from: the Manifest must
// outlive it. The whole graph is a Boost.Graph model over the manifest's own nodes and
// endpoints (built in time linear in the nodes and flows, whatever the endpoints); the
// searches run on a Boost adjacency_list of the nodes and flows. Immutable after
// construction; Boost types stay inside graph.cc.
#ifndef RESIDENCY_GRAPH_H_
#define RESIDENCY_GRAPH_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "manifest.h"

namespace residency {

class ServiceGraph {
 public:
  explicit ServiceGraph(const Manifest& manifest);
  ~ServiceGraph();
  ServiceGraph(const ServiceGraph&) = delete;
  ServiceGraph& operator=(const ServiceGraph&) = delete;

  // Whether `category` reaches manifest node `node` (the service reaches itself).
  bool Reaches(size_t node, std::string_view category) const;

  // The node ids along which `category` reaches `node`, service first; a shortest such
  // path. Empty when the category does not reach it.
  std::vector<std::string> PathTo(size_t node, std::string_view category) const;

  // The path to an endpoint: to its node by the first of its categories that reaches it
  // (or just the node when none does), then the endpoint's qualified id.
  std::vector<std::string> EndpointPath(const Endpoint& endpoint) const;
  // The same into *out, whose strings keep their capacity (a report's findings are read so).
  void EndpointPath(const Endpoint& endpoint, std::vector<std::string>* out) const;

  // What node `node` points to: the nodes its flows go to (in flow order), then its
  // endpoints (qualified ids, in manifest order).
  std::vector<std::string> Successors(size_t node) const;

  size_t vertex_count() const;
  size_t edge_count() const;

 private:
  // Writes the service's path to `node` along `category` (REQUIRES: Reaches) into the
  // first elements of *out, sized to them and `tail` more; returns how many it wrote.
  size_t WritePathTo(size_t node, std::string_view category, size_t tail, std::vector<std::string>* out) const;

  struct Impl;
  const Manifest& manifest_;
  std::unique_ptr<Impl> impl_;
};

// "a -> b -> c"
std::string JoinPath(const std::vector<std::string>& path);

}  // namespace residency

#endif  // RESIDENCY_GRAPH_H_
