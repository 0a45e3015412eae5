#include "finding.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "graph.h"
#include "profile.h"

namespace residency {

void Findings::push_back(Finding f) {
  whole_.push_back(std::move(f));
  entries_.push_back(Entry{nullptr, nullptr, {}, whole_.size() - 1});
}

void Findings::push_back(EndpointFinding f) {
  assert(graph_ != nullptr && f.rule != nullptr && f.endpoint != nullptr);
  if (!messages_) messages_ = std::make_shared<TextArena>();
  entries_.push_back(Entry{f.rule, f.endpoint, messages_->Add(f.message), 0});
}

void Findings::clear() {
  entries_.clear();
  whole_.clear();
  held_.clear();  // the shared arena (if any) stays: others may still refer to it
}

void Findings::Hold(const std::shared_ptr<TextArena>& arena) {
  if (!arena || arena == messages_) return;
  if (std::find(held_.begin(), held_.end(), arena) == held_.end()) held_.push_back(arena);
}

void Findings::Expand(const Entry& f, Finding* out) const {
  const CheckRule& rule = *f.rule;
  const Endpoint& endpoint = *f.endpoint;
  out->kind = rule.check;
  out->status = rule.status;
  out->requirements = rule.requirements;
  graph_->EndpointPath(endpoint, &out->path);
  out->subject = out->path.back();  // the endpoint's qualified id
  out->message.assign(f.message);
  endpoint.WritePointer(&out->ref.pointer);
  out->ref.pos = endpoint.pos;
}

const Finding& Findings::At(size_t i, Finding* scratch) const {
  const Entry& e = entries_[i];
  if (!e.endpoint) return whole_[e.whole];
  Expand(e, scratch);
  return *scratch;
}

FindingStatus Findings::StatusAt(size_t i) const {
  const Entry& e = entries_[i];
  return e.endpoint ? e.rule->status : whole_[e.whole].status;
}

void Findings::MakeWhole() {
  for (Entry& e : entries_) {
    if (!e.endpoint) continue;
    Finding f;
    Expand(e, &f);
    whole_.push_back(std::move(f));
    e = Entry{nullptr, nullptr, {}, whole_.size() - 1};
  }
  held_.clear();  // no entry refers to an arena now
  messages_.reset();
}

void Findings::Append(Findings* from) {
  if (!graph_) graph_ = from->graph_;
  // The arenas of `from`'s messages, kept alive by this one now.
  Hold(from->messages_);
  for (const std::shared_ptr<TextArena>& a : from->held_) Hold(a);
  for (; !from->entries_.empty(); from->entries_.pop_front()) {
    Entry& e = from->entries_.front();
    if (e.endpoint) {
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
