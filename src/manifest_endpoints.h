// Manifest endpoints: what the manifest reader (manifest.cc) knows about one endpoint that
// does not need the DOM, and the reader of endpoints that builds them during the parse.
//
// A manifest of a million endpoints is mostly endpoints, and RapidJSON's DOM of them costs
// more than the parse itself (a few hundred bytes a value, fresh memory the kernel has to
// hand out). EndpointTap is a JsonSource::Tap: it takes the service's and every
// subservice's "endpoints" array as SAX events and builds the Endpoints straight away. It
// only takes what it is sure of: endpoints that pass the schema's "endpoint" definition by
// the same rules as the schema's fast path, whose target, region and id are valid, with no
// duplicate key or id. At anything else it gives up, the text is parsed again into a whole
// DOM, and the reader's ordinary path words every error exactly as before. The result must
// be the same Manifest either way (manifest_endpoints_test.cc).
//
// Internal to the manifest reader; not a public module.
#ifndef RESIDENCY_MANIFEST_ENDPOINTS_H_
#define RESIDENCY_MANIFEST_ENDPOINTS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "json_source.h"
#include "jurisdiction.h"
#include "manifest.h"

namespace residency {

// `s` in double quotes for a message, cut after 80 bytes.
std::string QuoteValue(std::string_view s);

// At most this many endpoints in one node (manifest-v1.schema.json, "endpoints" maxItems).
inline constexpr size_t kMaxEndpointsPerNode = 10000000;

// The schema's rules for an id and a data category, by hand: true only when `s` certainly
// matches (bytes bound code points from above, so a byte count within the limits is within).
bool FastId(std::string_view s);
bool FastCategory(std::string_view s);
bool FastActivity(std::string_view s);

// Reads an endpoint's target: `field` is "host", "ip" or "url" and `text` its value. Sets
// e->target and e->host / e->ip / e->url as the model wants them. On a bad value returns
// false with the message in *error.
bool FillTarget(std::string_view field, std::string_view text, Endpoint* e, std::string* error);

// The endpoints of a manifest, read during its parse (see the top of this file).
//
// The work is split in two. The parse thread's events check the shape of each endpoint
// (members, types, duplicate keys, the number of categories) and copy its strings into a
// batch; the batches are built into Endpoints (ids, activities, categories, targets,
// regions, duplicate ids) on another thread when `threaded`, else on the parse thread as
// each fills. Either gives the same endpoints. The Jurisdictions must outlive the tap.
class EndpointTap : public JsonSource::Tap {
 public:
  EndpointTap(const Jurisdictions& jurisdictions, bool threaded);
  ~EndpointTap() override;
  EndpointTap(const EndpointTap&) = delete;
  EndpointTap& operator=(const EndpointTap&) = delete;

  // The endpoints of the node with this index (0 the service, i + 1 subservice i), when its
  // "endpoints" array was taken; nullptr otherwise. REQUIRES: the parse has ended. Each
  // Endpoint is whole but for `node`, `index` and `pos`, whose column holds the offset of
  // the endpoint's '{' (line 0) until Finish.
  std::vector<Endpoint>* Taken(size_t node);
  // Completes the endpoints of node `index`, taking positions from `src`.
  static void Finish(const JsonSource& src, size_t index, std::vector<Endpoint>* endpoints);

  bool Take(const std::vector<Step>& path, size_t offset) override;
  bool StartObject(size_t offset) override;
  bool EndObject() override;
  bool StartArray(size_t offset) override;
  bool EndArray() override;
  bool Key(std::string_view key) override;
  bool String(std::string_view s) override;
  bool Scalar() override;
  bool Close() override;
  bool End() override;
  void Abandon() override;

 private:
  enum Field : uint8_t { kId, kActivity, kData, kHost, kIp, kUrl, kRegion, kExtension, kFields };
  struct Batch;
  class Builder;
  bool HandOn();  // passes the current batch to the builder; false when it has given up
  bool SkipValue();  // an extension member's object or array value: skipped whole

  const Jurisdictions& j_;
  // Where the parse thread stands: 1 in the array, 2 in an endpoint, 3 in its data array;
  // skip_ counts containers open inside an extension member's value.
  size_t node_ = 0;
  int level_ = 1;
  int skip_ = 0;
  Field field_ = kFields;  // the member whose value comes next
  uint32_t seen_ = 0;       // bit per Field met in this endpoint
  size_t count_ = 0;        // endpoints in this array so far
  size_t data_count_ = 0;   // categories in this data array
  std::vector<std::string> extensions_;  // "x-" keys of this endpoint, for duplicates
  std::vector<bool> taken_;              // per node index: its array was taken
  std::unique_ptr<Batch> batch_;         // being filled
  std::unique_ptr<Builder> builder_;
};

}  // namespace residency

#endif  // RESIDENCY_MANIFEST_ENDPOINTS_H_
