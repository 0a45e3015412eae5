#include "resolve.h"

#include <ares.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <unordered_map>
#include <utility>

#include "dns_message.h"

namespace residency {

std::string_view ResolveStatusName(ResolveStatus s) {
  switch (s) {
    case ResolveStatus::kOk: return "ok";
    case ResolveStatus::kNxdomain: return "nxdomain";
    case ResolveStatus::kNodata: return "nodata";
    case ResolveStatus::kServfail: return "servfail";
    case ResolveStatus::kRefused: return "refused";
    case ResolveStatus::kTimeout: return "timeout";
    case ResolveStatus::kCnameLoop: return "cname-loop";
    case ResolveStatus::kChainTooLong: return "chain-too-long";
    case ResolveStatus::kError: return "error";
  }
  return "error";
}

bool ParseResolveStatus(std::string_view name, ResolveStatus* out) {
  for (ResolveStatus s :
       {ResolveStatus::kOk, ResolveStatus::kNxdomain, ResolveStatus::kNodata,
        ResolveStatus::kServfail, ResolveStatus::kRefused, ResolveStatus::kTimeout,
        ResolveStatus::kCnameLoop, ResolveStatus::kChainTooLong, ResolveStatus::kError}) {
    if (ResolveStatusName(s) == name) {
      *out = s;
      return true;
    }
  }
  return false;
}

namespace {

struct ServerAddress {
  IpAddress ip;
  uint16_t port = 53;
  std::string Text() const {
    return ip.is_v4() ? ip.ToString() + ":" + std::to_string(port)
                      : "[" + ip.ToString() + "]:" + std::to_string(port);
  }
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// One "HOST", "HOST:PORT", "[V6]" or "[V6]:PORT".
Status ParseOneServer(std::string_view item, ServerAddress* out) {
  std::string quoted = "\"" + std::string(item) + "\"";
  std::string_view host = item;
  std::string_view port;
  bool has_port = false;
  if (!item.empty() && item.front() == '[') {
    size_t close = item.find(']');
    if (close == std::string_view::npos) {
      return Status::InvalidInput(quoted + ": missing ']' after the IPv6 address");
    }
    host = item.substr(1, close - 1);
    std::string_view rest = item.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return Status::InvalidInput(quoted + ": expected ':PORT' after ']'");
      }
      port = rest.substr(1);
      has_port = true;
    }
    std::optional<IpAddress> ip = ParseIp(host);
    if (!ip || ip->is_v4()) {
      return Status::InvalidInput(quoted + ": \"" + std::string(host) +
                                  "\" is not an IPv6 address");
    }
    out->ip = *ip;
  } else {
    size_t colons = static_cast<size_t>(std::count(item.begin(), item.end(), ':'));
    if (colons == 1) {
      size_t colon = item.find(':');
      host = item.substr(0, colon);
      port = item.substr(colon + 1);
      has_port = true;
    }
    std::optional<IpAddress> ip = ParseIp(host);
    if (!ip) {
      return Status::InvalidInput(quoted + ": \"" + std::string(host) +
                                  "\" is not an IP address (give the server's address; "
                                  "IPv6 with a port as [ADDRESS]:PORT)");
    }
    out->ip = *ip;
  }
  out->port = 53;
  if (has_port) {
    unsigned long value = 0;
    bool digits = !port.empty() && port.size() <= 5 &&
                  std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits) value = std::stoul(std::string(port));
    if (!digits || value == 0 || value > 65535) {
      return Status::InvalidInput(quoted + ": port \"" + std::string(port) +
                                  "\" is not a number from 1 to 65535");
    }
    out->port = static_cast<uint16_t>(value);
  }
  return Status::Ok();
}

Status ParseServerList(std::string_view text, std::vector<ServerAddress>* out) {
  out->clear();
  if (Trim(text).empty()) return Status::InvalidInput("no DNS server given");
  size_t start = 0;
  for (;;) {
    size_t comma = text.find(',', start);
    std::string_view item =
        Trim(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (item.empty()) {
      return Status::InvalidInput("\"" + std::string(text) + "\": empty server in the list");
    }
    ServerAddress server;
    if (Status s = ParseOneServer(item, &server); !s.ok()) return s;
    out->push_back(server);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return Status::Ok();
}

int64_t NowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

using Clock = std::chrono::steady_clock;

// How bad a track's outcome is, for combining A and AAAA into one status: the worse one
// wins, so that a name is only ok when both questions were answered.
int Severity(ResolveStatus s) {
  switch (s) {
    case ResolveStatus::kOk: return 0;
    case ResolveStatus::kNodata: return 1;
    case ResolveStatus::kNxdomain: return 2;
    case ResolveStatus::kError: return 3;
    case ResolveStatus::kRefused: return 4;
    case ResolveStatus::kServfail: return 5;
    case ResolveStatus::kTimeout: return 6;
    case ResolveStatus::kChainTooLong: return 7;
    case ResolveStatus::kCnameLoop: return 8;
  }
  return 3;
}

// A CNAME target we can ask for: what ares_query would otherwise misread (escapes) or
// refuse is an error of the answer, not of the resolver.
bool AskableName(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  return name.find('\\') == std::string::npos;
}

class AresResolver : public Resolver {
 public:
  AresResolver(const ResolverOptions& options, std::vector<ServerAddress> servers)
      : options_(options), addresses_(std::move(servers)) {}

  ~AresResolver() override {
    for (Channel& c : channels_) {
      if (c.channel) ares_destroy(c.channel);
    }
    if (library_initialised_) ares_library_cleanup();
  }

  Status Init() {
    if (int rc = ares_library_init(ARES_LIB_INIT_ALL); rc != ARES_SUCCESS) {
      return Status::Network(std::string("c-ares: ") + ares_strerror(rc));
    }
    library_initialised_ = true;
    if (addresses_.empty()) {
      if (Status s = SystemServers(&addresses_); !s.ok()) return s;
    }
    if (options_.concurrency < 1) options_.concurrency = 1;
    if (options_.tries < 1) options_.tries = 1;
    if (options_.timeout_ms < 1) options_.timeout_ms = 1;
    if (options_.max_chain < 0) options_.max_chain = 0;
    channels_.resize(addresses_.size());
    for (size_t i = 0; i < addresses_.size(); ++i) {
      Channel& c = channels_[i];
      c.self = this;
      c.text = addresses_[i].Text();
      ares_options opts;
      std::memset(&opts, 0, sizeof opts);
      // NOCHECKRESP: SERVFAIL and REFUSED come back to us with the message (c-ares would
      // otherwise swallow them and retry), so the evidence has the rcode and the server.
      opts.flags = ARES_FLAG_NOCHECKRESP;
      opts.timeout = options_.timeout_ms;
      opts.tries = options_.tries;
      opts.sock_state_cb = &AresResolver::OnSocketState;
      opts.sock_state_cb_data = &c;
      // Thousands of answers may arrive between two reads: a small buffer drops them.
      opts.socket_receive_buffer_size = 4 << 20;
      int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB |
                 ARES_OPT_SOCK_RCVBUF;
      if (int rc = ares_init_options(&c.channel, &opts, mask); rc != ARES_SUCCESS) {
        c.channel = nullptr;
        return Status::Network(std::string("c-ares: ") + ares_strerror(rc));
      }
      ares_addr_port_node node;
      std::memset(&node, 0, sizeof node);
      const ServerAddress& a = addresses_[i];
      if (a.ip.is_v4()) {
        node.family = AF_INET;
        std::memcpy(&node.addr.addr4, a.ip.bytes.data(), 4);
      } else {
        node.family = AF_INET6;
        std::memcpy(&node.addr.addr6, a.ip.bytes.data(), 16);
      }
      node.udp_port = a.port;
      node.tcp_port = a.port;
      if (int rc = ares_set_servers_ports(c.channel, &node); rc != ARES_SUCCESS) {
        return Status::Network("c-ares: server " + c.text + ": " + ares_strerror(rc));
      }
    }
    // The longest one question may take: c-ares doubles the timeout on each retry of the
    // same server; then every server in turn. A name's whole chain is at most
    // max_chain + 1 such questions, one after the other.
    int64_t per_server = 0;
    for (int t = 0; t < options_.tries; ++t) per_server += int64_t{options_.timeout_ms} << std::min(t, 20);
    int64_t per_question = per_server * static_cast<int64_t>(addresses_.size()) + 500;
    deadline_ms_ = per_question * (options_.max_chain + 2);
    return Status::Ok();
  }

  std::vector<std::string> Servers() const override {
    std::vector<std::string> out;
    for (const ServerAddress& a : addresses_) out.push_back(a.Text());
    return out;
  }

  Status ResolveAll(const std::vector<std::string>& names, std::vector<Resolution>* out) override;

 private:
  struct Channel {
    AresResolver* self = nullptr;
    ares_channel channel = nullptr;
    std::string text;
  };

  // One of the two questions of a name (A or AAAA), following its chain.
  struct Track {
    uint16_t type = kTypeA;
    std::string current;             // the name being asked now
    std::vector<std::string> chain;  // CNAME targets after the name, in order
    std::vector<IpAddress> addresses;
    ResolveStatus status = ResolveStatus::kError;
    std::string detail;
    size_t server = 0;               // index into channels_ of the server being asked
    bool done = false;
  };

  struct Slot {
    bool active = false;
    uint32_t generation = 0;
    size_t out_index = 0;
    std::string name;
    Track tracks[2];
    std::vector<DnsAnswer> evidence;
  };

  struct Query {
    AresResolver* self;
    uint32_t slot;
    uint32_t generation;
    int track;
    size_t server;
  };

  struct SocketInterest {
    Channel* channel;
    bool read;
    bool write;
  };

  static Status SystemServers(std::vector<ServerAddress>* out);
  static void OnSocketState(void* data, ares_socket_t fd, int readable, int writable);
  static void OnAnswer(void* arg, int status, int timeouts, unsigned char* abuf, int alen);

  void StartName(size_t out_index, const std::string& name);
  void Ask(uint32_t slot_index, int track);
  void HandleAnswer(const Query& q, int status, int timeouts, const unsigned char* abuf, int alen);
  void FollowAnswer(Slot& slot, uint32_t slot_index, int track_index, const DnsMessage& msg);
  void FinishTrack(uint32_t slot_index, int track_index, ResolveStatus status, std::string detail);
  void FinishName(uint32_t slot_index);
  void ExpireDeadlines(Clock::time_point now);
  int PollTimeoutMs(Clock::time_point now);

  ResolverOptions options_;
  std::vector<ServerAddress> addresses_;
  std::vector<Channel> channels_;
  bool library_initialised_ = false;
  int64_t deadline_ms_ = 0;

  // State of one ResolveAll.
  std::vector<Resolution>* out_ = nullptr;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  std::deque<std::pair<Clock::time_point, std::pair<uint32_t, uint32_t>>> deadlines_;
  std::unordered_map<int, SocketInterest> sockets_;
  uint32_t next_generation_ = 1;
  size_t active_ = 0;
  bool callback_failed_ = false;
  std::string callback_error_;
};

Status AresResolver::SystemServers(std::vector<ServerAddress>* out) {
  ares_channel channel = nullptr;
  if (int rc = ares_init(&channel); rc != ARES_SUCCESS) {
    return Status::Network(std::string("reading the system's DNS configuration: ") + ares_strerror(rc));
  }
  ares_addr_port_node* servers = nullptr;
  int rc = ares_get_servers_ports(channel, &servers);
  ares_destroy(channel);
  if (rc != ARES_SUCCESS) {
    return Status::Network(std::string("reading the system's DNS servers: ") + ares_strerror(rc));
  }
  for (ares_addr_port_node* n = servers; n; n = n->next) {
    ServerAddress a;
    if (n->family == AF_INET) {
      a.ip.family = IpAddress::Family::kV4;
      std::memcpy(a.ip.bytes.data(), &n->addr.addr4, 4);
    } else if (n->family == AF_INET6) {
      a.ip.family = IpAddress::Family::kV6;
      std::memcpy(a.ip.bytes.data(), &n->addr.addr6, 16);
    } else {
      continue;
    }
    a.port = static_cast<uint16_t>(n->udp_port ? n->udp_port : 53);
    out->push_back(a);
  }
  ares_free_data(servers);
  if (out->empty()) {
    return Status::NotFound("/etc/resolv.conf: no DNS server configured (give one with --dns)");
  }
  return Status::Ok();
}

void AresResolver::OnSocketState(void* data, ares_socket_t fd, int readable, int writable) {
  auto* channel = static_cast<Channel*>(data);
  AresResolver* self = channel->self;
  if (!readable && !writable) {
    self->sockets_.erase(fd);
  } else {
    self->sockets_[fd] = SocketInterest{channel, readable != 0, writable != 0};
  }
}

void AresResolver::OnAnswer(void* arg, int status, int timeouts, unsigned char* abuf, int alen) {
  std::unique_ptr<Query> q(static_cast<Query*>(arg));
  // Cancelled (end of a run) or destroyed: the name was finished some other way.
  if (status == ARES_ECANCELLED || status == ARES_EDESTRUCTION) return;
  // No exception may cross c-ares's C frames.
  try {
    q->self->HandleAnswer(*q, status, timeouts, abuf, alen);
  } catch (const std::exception& e) {
    q->self->callback_failed_ = true;
    q->self->callback_error_ = e.what();
  } catch (...) {
    q->self->callback_failed_ = true;
    q->self->callback_error_ = "unknown exception";
  }
}

void AresResolver::StartName(size_t out_index, const std::string& name) {
  uint32_t slot_index;
  if (free_slots_.empty()) {
    slot_index = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot_index = free_slots_.back();
    free_slots_.pop_back();
  }
  Slot& s = slots_[slot_index];
  s.active = true;
  s.generation = next_generation_++;
  s.out_index = out_index;
  s.name = name;
  s.evidence.clear();
  for (int t = 0; t < 2; ++t) {
    Track& tr = s.tracks[t];
    tr = Track();
    tr.type = t == 0 ? kTypeA : kTypeAaaa;
    tr.current = name;
  }
  ++active_;
  deadlines_.push_back({Clock::now() + std::chrono::milliseconds(deadline_ms_),
                        {slot_index, s.generation}});
  uint32_t generation = s.generation;
  Ask(slot_index, 0);
  // Asking may answer at once (a name c-ares refuses) and even finish the name.
  if (slots_[slot_index].active && slots_[slot_index].generation == generation) Ask(slot_index, 1);
}

void AresResolver::Ask(uint32_t slot_index, int track) {
  Slot& s = slots_[slot_index];
  Track& tr = s.tracks[track];
  auto* q = new Query{this, slot_index, s.generation, track, tr.server};
  // REQUIRES: nothing of `s` is used after this call: the callback may run inside it.
  ares_query(channels_[tr.server].channel, tr.current.c_str(), 1 /* IN */, tr.type,
             &AresResolver::OnAnswer, q);
}

void AresResolver::HandleAnswer(const Query& q, int status, int timeouts,
                                const unsigned char* abuf, int alen) {
  Slot& s = slots_[q.slot];
  if (!s.active || s.generation != q.generation) return;  // finished by its deadline
  Track& tr = s.tracks[q.track];
  const std::string& server = channels_[q.server].text;
  std::string what = DnsTypeName(tr.type) + " " + tr.current;

  DnsAnswer evidence;
  evidence.qname = tr.current;
  evidence.qtype = DnsTypeName(tr.type);
  evidence.time_unix_ms = NowUnixMs();

  DnsMessage msg;
  bool have_message = false;
  std::string parse_error;
  if (abuf && alen > 0) {
    evidence.server = server;
    have_message = ParseDnsMessage(abuf, static_cast<size_t>(alen), &msg, &parse_error);
    if (have_message) {
      evidence.rcode = RcodeName(msg.rcode);
      for (const WireRecord& r : msg.answers) {
        evidence.records.push_back(DnsRecord{r.name, DnsTypeName(r.type), r.ttl, r.data});
      }
    }
  }
  s.evidence.push_back(std::move(evidence));

  // Failures another server might not have: ask the next one, if any.
  bool no_answer = !abuf && (status == ARES_ETIMEOUT || status == ARES_ECONNREFUSED);
  bool server_failed = have_message && (msg.rcode == 2 || msg.rcode == 5);
  if ((no_answer || server_failed) && tr.server + 1 < channels_.size()) {
    ++tr.server;
    Ask(q.slot, q.track);
    return;
  }

  if (!abuf || alen <= 0) {
    switch (status) {
      case ARES_ETIMEOUT:
        FinishTrack(q.slot, q.track, ResolveStatus::kTimeout,
                    what + ": no answer from " + server + " (" +
                        std::to_string(std::max(timeouts, options_.tries)) + " tries, " +
                        std::to_string(options_.timeout_ms) + " ms the first)");
        return;
      case ARES_ECONNREFUSED:
        FinishTrack(q.slot, q.track, ResolveStatus::kTimeout,
                    what + ": no answer from " + server + " (connection refused: no server there)");
        return;
      case ARES_EBADNAME:
        FinishTrack(q.slot, q.track, ResolveStatus::kError, what + ": not a valid DNS name");
        return;
      default:
        FinishTrack(q.slot, q.track, ResolveStatus::kError,
                    what + ": " + ares_strerror(status));
        return;
    }
  }
  if (!have_message) {
    FinishTrack(q.slot, q.track, ResolveStatus::kError,
                what + ": malformed answer from " + server + ": " + parse_error);
    return;
  }
  FollowAnswer(s, q.slot, q.track, msg);
}

void AresResolver::FollowAnswer(Slot& s, uint32_t slot_index, int track_index, const DnsMessage& msg) {
  Track& tr = s.tracks[track_index];
  std::string what = DnsTypeName(tr.type) + " " + tr.current;
  switch (msg.rcode) {
    case 0:  // NOERROR
    case 3:  // NXDOMAIN: the chain up to the name that does not exist is still evidence
      break;
    case 2:
      FinishTrack(slot_index, track_index, ResolveStatus::kServfail,
                  what + ": SERVFAIL from " + channels_[tr.server].text);
      return;
    case 5:
      FinishTrack(slot_index, track_index, ResolveStatus::kRefused,
                  what + ": REFUSED by " + channels_[tr.server].text);
      return;
    default:
      FinishTrack(slot_index, track_index, ResolveStatus::kError,
                  what + ": " + RcodeName(msg.rcode) + " from " + channels_[tr.server].text);
      return;
  }

  // Follow the CNAMEs of the answer from the name asked; records of other owners are kept
  // as evidence only.
  std::string name = tr.current;
  for (;;) {
    const WireRecord* cname = nullptr;
    for (const WireRecord& r : msg.answers) {
      if (r.type == kTypeCname && r.name == name) {
        cname = &r;
        break;
      }
    }
    if (!cname) break;
    const std::string& target = cname->data;
    bool loop = target == s.name || std::find(tr.chain.begin(), tr.chain.end(), target) != tr.chain.end();
    tr.chain.push_back(target);
    if (loop) {
      std::string path = s.name;
      for (const std::string& c : tr.chain) path += " -> " + c;
      FinishTrack(slot_index, track_index, ResolveStatus::kCnameLoop, "CNAME loop: " + path);
      return;
    }
    if (tr.chain.size() > static_cast<size_t>(options_.max_chain)) {
      FinishTrack(slot_index, track_index, ResolveStatus::kChainTooLong,
                  s.name + ": more than " + std::to_string(options_.max_chain) +
                      " CNAMEs (stopped at " + target + ")");
      return;
    }
    name = target;
  }

  if (msg.rcode == 3) {
    FinishTrack(slot_index, track_index, ResolveStatus::kNxdomain,
                name + " does not exist (NXDOMAIN from " + channels_[tr.server].text + ")");
    return;
  }
  for (const WireRecord& r : msg.answers) {
    if (r.type == tr.type && r.name == name) {
      if (std::optional<IpAddress> ip = ParseIp(r.data)) {
        if (std::find(tr.addresses.begin(), tr.addresses.end(), *ip) == tr.addresses.end()) {
          tr.addresses.push_back(*ip);
        }
      }
    }
  }
  if (!tr.addresses.empty()) {
    FinishTrack(slot_index, track_index, ResolveStatus::kOk, "");
    return;
  }
  if (name != tr.current) {
    // The chain leaves what this server answers for (an authoritative server does not
    // chase a CNAME into another zone): ask for its end ourselves.
    if (!AskableName(name)) {
      FinishTrack(slot_index, track_index, ResolveStatus::kError,
                  what + ": CNAME target \"" + name + "\" is not a host name");
      return;
    }
    tr.current = name;
    tr.server = 0;
    Ask(slot_index, track_index);
    return;
  }
  FinishTrack(slot_index, track_index, ResolveStatus::kNodata,
              name + " has no " + DnsTypeName(tr.type) + " record");
}

void AresResolver::FinishTrack(uint32_t slot_index, int track_index, ResolveStatus status,
                               std::string detail) {
  Slot& s = slots_[slot_index];
  Track& tr = s.tracks[track_index];
  tr.status = status;
  tr.detail = std::move(detail);
  tr.done = true;
  if (s.tracks[0].done && s.tracks[1].done) FinishName(slot_index);
}

void AresResolver::FinishName(uint32_t slot_index) {
  Slot& s = slots_[slot_index];
  Resolution& r = (*out_)[s.out_index];
  const Track& a = s.tracks[0];
  const Track& aaaa = s.tracks[1];
  r.name = s.name;
  // Both questions normally see the same chain; if they do not, keep the longer one and
  // say so (the evidence has both).
  const Track& longer = aaaa.chain.size() > a.chain.size() ? aaaa : a;
  const Track& shorter = &longer == &a ? aaaa : a;
  r.cnames = longer.chain;
  bool chains_agree = std::equal(shorter.chain.begin(), shorter.chain.end(), longer.chain.begin());
  r.addresses.clear();
  for (const Track* t : {&a, &aaaa}) {
    for (const IpAddress& ip : t->addresses) {
      if (std::find(r.addresses.begin(), r.addresses.end(), ip) == r.addresses.end()) {
        r.addresses.push_back(ip);
      }
    }
  }
  auto answered = [](const Track& t) {
    return t.status == ResolveStatus::kOk || t.status == ResolveStatus::kNodata;
  };
  r.detail.clear();
  if (answered(a) && answered(aaaa)) {
    r.status = r.addresses.empty() ? ResolveStatus::kNodata : ResolveStatus::kOk;
    if (r.status == ResolveStatus::kNodata) {
      r.detail = (r.cnames.empty() ? s.name : r.cnames.back()) + " has neither A nor AAAA records";
    }
  } else {
    const Track& worse = Severity(aaaa.status) > Severity(a.status) ? aaaa : a;
    const Track& other = &worse == &a ? aaaa : a;
    r.status = worse.status;
    r.detail = worse.detail;
    if (!answered(other) && other.detail != worse.detail) r.detail += "; " + other.detail;
  }
  if (!chains_agree) {
    r.detail += std::string(r.detail.empty() ? "" : "; ") +
                "the A and AAAA answers gave different CNAME chains";
  }
  r.evidence = std::move(s.evidence);
  s.evidence = {};
  s.active = false;
  s.name.clear();
  s.name.shrink_to_fit();
  free_slots_.push_back(slot_index);
  --active_;
}

void AresResolver::ExpireDeadlines(Clock::time_point now) {
  while (!deadlines_.empty() && deadlines_.front().first <= now) {
    auto [slot_index, generation] = deadlines_.front().second;
    deadlines_.pop_front();
    Slot& s = slots_[slot_index];
    if (!s.active || s.generation != generation) continue;
    for (Track& tr : s.tracks) {
      if (tr.done) continue;
      tr.done = true;
      tr.status = ResolveStatus::kTimeout;
      tr.detail = DnsTypeName(tr.type) + " " + tr.current + ": no answer within " +
                  std::to_string(deadline_ms_) + " ms for the whole chain";
      DnsAnswer evidence;
      evidence.qname = tr.current;
      evidence.qtype = DnsTypeName(tr.type);
      evidence.time_unix_ms = NowUnixMs();
      s.evidence.push_back(std::move(evidence));
    }
    FinishName(slot_index);
  }
}

int AresResolver::PollTimeoutMs(Clock::time_point now) {
  int64_t ms = 1000;
  for (Channel& c : channels_) {
    timeval max{1, 0};
    timeval tv{};
    if (timeval* t = ares_timeout(c.channel, &max, &tv)) {
      // Round up: waking before c-ares's timer is due would spin.
      ms = std::min<int64_t>(ms, int64_t{t->tv_sec} * 1000 + (t->tv_usec + 999) / 1000);
    }
  }
  if (!deadlines_.empty()) {
    int64_t until = std::chrono::duration_cast<std::chrono::milliseconds>(deadlines_.front().first - now).count() + 1;
    ms = std::min(ms, std::max<int64_t>(until, 0));
  }
  return static_cast<int>(std::max<int64_t>(ms, 0));
}

Status AresResolver::ResolveAll(const std::vector<std::string>& names, std::vector<Resolution>* out) {
  out->assign(names.size(), Resolution());
  out_ = out;
  callback_failed_ = false;
  slots_.clear();
  free_slots_.clear();
  deadlines_.clear();
  active_ = 0;

  // Each distinct name is asked once; repeats get a copy at the end.
  std::vector<std::string> normal(names.size());
  std::unordered_map<std::string_view, size_t> first;
  std::vector<size_t> unique;  // indexes into names of the first occurrences
  std::vector<size_t> copy_of(names.size());
  first.reserve(names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    std::string n = names[i];
    if (!n.empty() && n.back() == '.') n.pop_back();
    for (char& c : n) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    normal[i] = std::move(n);
    auto [it, inserted] = first.emplace(normal[i], i);
    copy_of[i] = it->second;
    if (inserted) unique.push_back(i);
  }

  size_t next = 0;
  std::vector<pollfd> fds;
  while (next < unique.size() || active_ > 0) {
    while (active_ < static_cast<size_t>(options_.concurrency) && next < unique.size()) {
      size_t i = unique[next++];
      if (normal[i].empty()) {
        (*out)[i].name = normal[i];
        (*out)[i].status = ResolveStatus::kError;
        (*out)[i].detail = "empty name";
        continue;
      }
      StartName(i, normal[i]);
    }
    if (callback_failed_) break;
    if (active_ == 0) continue;

    fds.clear();
    for (const auto& [fd, interest] : sockets_) {
      short events = 0;
      if (interest.read) events |= POLLIN;
      if (interest.write) events |= POLLOUT;
      fds.push_back(pollfd{fd, events, 0});
    }
    int ready = ::poll(fds.data(), static_cast<nfds_t>(fds.size()), PollTimeoutMs(Clock::now()));
    if (ready < 0 && errno != EINTR) {
      return Status::Network(std::string("poll: ") + std::strerror(errno));
    }
    for (const pollfd& p : fds) {
      if (p.revents == 0) continue;
      auto it = sockets_.find(p.fd);
      if (it == sockets_.end()) continue;  // closed while handling another socket
      ares_socket_t read_fd = (p.revents & (POLLIN | POLLERR | POLLHUP)) ? p.fd : ARES_SOCKET_BAD;
      ares_socket_t write_fd = (p.revents & POLLOUT) ? p.fd : ARES_SOCKET_BAD;
      ares_process_fd(it->second.channel->channel, read_fd, write_fd);
    }
    // Timeouts and retries of every channel.
    for (Channel& c : channels_) ares_process_fd(c.channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    ExpireDeadlines(Clock::now());
    if (callback_failed_) break;
  }
  // Questions still open belong to names finished by their deadline: drop them.
  for (Channel& c : channels_) ares_cancel(c.channel);
  out_ = nullptr;
  if (callback_failed_) return Status::Network("resolver: " + callback_error_);

  for (size_t i = 0; i < names.size(); ++i) {
    if (copy_of[i] != i) (*out)[i] = (*out)[copy_of[i]];
  }
  slots_.clear();
  slots_.shrink_to_fit();
  return Status::Ok();
}

class ReplayResolver : public Resolver {
 public:
  ReplayResolver(std::vector<Resolution> recorded, std::vector<std::string> servers)
      : servers_(std::move(servers)) {
    for (Resolution& r : recorded) {
      std::string key = r.name;
      by_name_.emplace(std::move(key), std::move(r));
    }
  }

  Status ResolveAll(const std::vector<std::string>& names, std::vector<Resolution>* out) override {
    out->clear();
    out->reserve(names.size());
    for (const std::string& asked : names) {
      std::string name = asked;
      if (!name.empty() && name.back() == '.') name.pop_back();
      for (char& c : name) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      auto it = by_name_.find(name);
      if (it != by_name_.end()) {
        out->push_back(it->second);
      } else {
        Resolution r;
        r.name = name;
        r.status = ResolveStatus::kError;
        r.detail = "not in the replayed report";
        out->push_back(std::move(r));
      }
    }
    return Status::Ok();
  }

  std::vector<std::string> Servers() const override { return servers_; }

 private:
  std::unordered_map<std::string, Resolution> by_name_;
  std::vector<std::string> servers_;
};

}  // namespace

Status ParseDnsServers(std::string_view text, std::vector<std::string>* servers) {
  std::vector<ServerAddress> parsed;
  if (Status s = ParseServerList(text, &parsed); !s.ok()) return s;
  servers->clear();
  for (const ServerAddress& a : parsed) servers->push_back(a.Text());
  return Status::Ok();
}

std::unique_ptr<Resolver> NewAresResolver(const ResolverOptions& options, Status* status) {
  std::vector<ServerAddress> servers;
  for (const std::string& text : options.servers) {
    ServerAddress a;
    if (Status s = ParseOneServer(text, &a); !s.ok()) {
      *status = s.WithContext("DNS server");
      return nullptr;
    }
    servers.push_back(a);
  }
  auto resolver = std::make_unique<AresResolver>(options, std::move(servers));
  *status = resolver->Init();
  if (!status->ok()) return nullptr;
  return resolver;
}

std::unique_ptr<Resolver> NewReplayResolver(std::vector<Resolution> recorded,
                                            std::vector<std::string> servers) {
  return std::make_unique<ReplayResolver>(std::move(recorded), std::move(servers));
}

}  // namespace residency
