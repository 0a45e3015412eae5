// Finding: the data contradicts, or does not support, a declaration. Findings are the
// tool's product and go to the report; they are not errors (diagnostic.h): a run with
// findings succeeded. Each names the check that raised it, the requirement ids of the
// active profile, the path through the service graph and where in the manifest the thing
// concerned is declared.
#ifndef RESIDENCY_FINDING_H_
#define RESIDENCY_FINDING_H_

#include <cstddef>
#include <deque>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "manifest.h"
#include "text_arena.h"

namespace residency {

// Ordered by severity: a report's outcome is its worst finding.
enum class FindingStatus { kInfo, kWarn, kUnverified, kFail };
std::string_view FindingStatusName(FindingStatus s);
std::optional<FindingStatus> ParseFindingStatus(std::string_view name);

struct Finding {
  std::string kind;                       // the check: "undisclosed-use", ...
  FindingStatus status = FindingStatus::kFail;
  std::string subject;                    // NODE/ENDPOINT, a node id, or a manifest pointer
  std::vector<std::string> requirements;  // "EUCS DOC-03.1", ...
  std::vector<std::string> path;          // graph path, service first; may be empty
  std::string message;
  SourceRef ref;                          // where in the manifest
};

struct CheckRule;
class ServiceGraph;

// An endpoint's finding as a measured check makes it: the rule that raised it and the
// endpoint it is about, both the run's, and its message. Its kind, status and requirements
// are the rule's; its subject, path and location the endpoint's (Manifest::QualifiedId,
// ServiceGraph::EndpointPath, Endpoint::Ref). A million endpoints make hundreds of
// thousands of findings: with all that copied into each, ~570 bytes a finding, the 1M
// estate's check stage took 58,000 pages of memory new to the process; held so, 23,000;
// with the messages in a TextArena that reuses the manifest text's memory, 8,300.
struct EndpointFinding {
  const CheckRule* rule = nullptr;
  const Endpoint* endpoint = nullptr;
  std::string message;
};

// A verify report's findings, in order: whole ones (Finding) and endpoints' ones
// (EndpointFinding), which are made whole as they are read. A deque each: they come in
// blocks, where a vector would take their total size again as one block of memory new to
// the process, and copy them into it. The endpoints' messages are kept in a TextArena,
// which copies and the findings appended from others share (it only grows).
//
// Endpoints' findings refer to the manifest, the graph and the profile of their run, which
// must outlive the object and every copy it is moved into.
class Findings {
 public:
  Findings() = default;
  // For endpoints' findings: `graph`, and the manifest it was built from, describe them;
  // their messages go to `messages` (several Findings may share one), else to an arena of
  // this object's own.
  explicit Findings(const ServiceGraph* graph, std::shared_ptr<TextArena> messages = nullptr)
      : graph_(graph), messages_(std::move(messages)) {}

  void push_back(Finding f);
  void push_back(EndpointFinding f);  // only with a graph
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void clear();

  // The i-th finding: a whole one where it is kept, an endpoint's made whole in *scratch
  // (whose strings and vectors keep their capacity from finding to finding).
  const Finding& At(size_t i, Finding* scratch) const;

  // The i-th finding's status, without making it whole.
  FindingStatus StatusAt(size_t i) const;

  // Makes every endpoint's finding whole, so that these no longer refer to their run (for
  // findings kept past the manifest, graph or profile; at scale, 2-3 times the memory).
  void MakeWhole();

  // Moves `from`'s findings after these, giving `from`'s blocks back as they empty (so that
  // this one's new blocks are taken from the memory just given back).
  void Append(Findings* from);

  // Reads the findings in order. An input iterator: what *it refers to may be the
  // iterator's own copy, valid until it moves on.
  class const_iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Finding;
    using difference_type = std::ptrdiff_t;
    using pointer = const Finding*;
    using reference = const Finding&;
    const_iterator() = default;
    const_iterator(const Findings* owner, size_t index) : owner_(owner), index_(index) {}
    reference operator*() const { return owner_->At(index_, &scratch_); }
    pointer operator->() const { return &**this; }
    const_iterator& operator++() {
      ++index_;
      return *this;
    }
    void operator++(int) { ++index_; }
    bool operator==(const const_iterator& other) const { return index_ == other.index_; }

   private:
    const Findings* owner_ = nullptr;
    size_t index_ = 0;
    mutable Finding scratch_;
  };
  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, entries_.size()); }

 private:
  // An endpoint's finding, its message in messages_ or one of held_; or (no endpoint)
  // whole_[whole].
  struct Entry {
    const CheckRule* rule = nullptr;
    const Endpoint* endpoint = nullptr;
    std::string_view message;
    size_t whole = 0;
  };
  void Expand(const Entry& e, Finding* out) const;
  void Hold(const std::shared_ptr<TextArena>& arena);

  std::deque<Entry> entries_;
  std::deque<Finding> whole_;
  const ServiceGraph* graph_ = nullptr;
  std::shared_ptr<TextArena> messages_;              // where this one's messages go
  std::vector<std::shared_ptr<TextArena>> held_;     // others' arenas, for appended findings
};

}  // namespace residency

#endif  // RESIDENCY_FINDING_H_
