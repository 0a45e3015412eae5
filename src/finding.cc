#include "finding.h"

#include <cassert>
#include <utility>

#include "graph.h"
#include "profile.h"

namespace residency {

void Findings::push_back(Finding f) {
  whole_.push_back(std::move(f));
  entries_.push_back(Entry{EndpointFinding{}, whole_.size() - 1});
}

void Findings::push_back(EndpointFinding f) {
  assert(graph_ != nullptr && f.rule != nullptr && f.endpoint != nullptr);
  entries_.push_back(Entry{std::move(f), 0});
}

void Findings::clear() {
  entries_.clear();
  whole_.clear();
}

void Findings::Expand(const EndpointFinding& f, Finding* out) const {
  const CheckRule& rule = *f.rule;
  const Endpoint& endpoint = *f.endpoint;
  out->kind = rule.check;
  out->status = rule.status;
  out->requirements = rule.requirements;
  graph_->EndpointPath(endpoint, &out->path);
  out->subject = out->path.back();  // the endpoint's qualified id
  out->message = f.message;
  endpoint.WritePointer(&out->ref.pointer);
  out->ref.pos = endpoint.pos;
}

const Finding& Findings::At(size_t i, Finding* scratch) const {
  const Entry& e = entries_[i];
  if (!e.finding.endpoint) return whole_[e.whole];
  Expand(e.finding, scratch);
  return *scratch;
}

FindingStatus Findings::StatusAt(size_t i) const {
  const Entry& e = entries_[i];
  return e.finding.endpoint ? e.finding.rule->status : whole_[e.whole].status;
}

void Findings::MakeWhole() {
  for (Entry& e : entries_) {
    if (!e.finding.endpoint) continue;
    Finding f;
    Expand(e.finding, &f);
    whole_.push_back(std::move(f));
    e = Entry{EndpointFinding{}, whole_.size() - 1};
  }
}

void Findings::Append(Findings* from) {
  if (!graph_) graph_ = from->graph_;
  for (; !from->entries_.empty(); from->entries_.pop_front()) {
    Entry& e = from->entries_.front();
    if (e.finding.endpoint) {
      // One run's findings: the same manifest and graph describe them all.
      assert(from->graph_ == graph_);
      entries_.push_back(std::move(e));
    } else {
      push_back(std::move(from->whole_[e.whole]));
    }
  }
  from->whole_.clear();
}

}  // namespace residency
