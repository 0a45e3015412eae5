#include "sample.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <set>

#include "json_source.h"
#include "output.h"

#include <rapidjson/prettywriter.h>

namespace residency {
namespace {

// A relative slack on the risk comparison: probabilities that are mathematically equal to
// 1 - confidence must not fail it through rounding in the last bits.
constexpr double kRiskSlack = 1e-12;

double LogChoose(uint64_t a, uint64_t b) {
  return std::lgamma(static_cast<double>(a) + 1) - std::lgamma(static_cast<double>(b) + 1) -
         std::lgamma(static_cast<double>(a - b) + 1);
}

// ceil(x) for a product that should be an integer when it looks like one (0.05 * 100).
uint64_t CeilCount(double x) {
  double r = std::round(x);
  if (std::fabs(x - r) < 1e-9) return static_cast<uint64_t>(r);
  return static_cast<uint64_t>(std::ceil(x));
}

bool RiskMet(double p, double alpha) { return p <= alpha * (1 + kRiskSlack); }

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace

double HypergeometricCdf(uint64_t N, uint64_t M, uint64_t n, uint64_t k) {
  // Support: max(0, n - (N - M)) <= x <= min(n, M).
  uint64_t lo = n > N - M ? n - (N - M) : 0;
  uint64_t hi = std::min({n, M, k});
  if (k < lo) return 0;
  if (hi == std::min(n, M)) return 1;
  double log_total = LogChoose(N, n);
  double sum = 0;
  for (uint64_t x = lo; x <= hi; ++x) {
    sum += std::exp(LogChoose(M, x) + LogChoose(N - M, n - x) - log_total);
  }
  return std::min(sum, 1.0);
}

SampleSize ComputeSampleSize(uint64_t population, double confidence, double tolerable_rate, double expected_rate) {
  SampleSize s;
  s.population = population;
  if (population == 0) return s;
  double alpha = 1 - confidence;
  s.tolerable_deviations = std::min<uint64_t>(population, std::max<uint64_t>(1, CeilCount(tolerable_rate * static_cast<double>(population))));
  for (uint64_t n = 1; n < population; ++n) {
    uint64_t k = CeilCount(expected_rate * static_cast<double>(n));
    double p = HypergeometricCdf(population, s.tolerable_deviations, n, k);
    if (RiskMet(p, alpha)) {
      s.sample_size = n;
      s.acceptance_number = k;
      s.risk = p;
      return s;
    }
  }
  // Checking everything: the deviation count is then known, not estimated.
  s.census = true;
  s.sample_size = population;
  s.acceptance_number = CeilCount(expected_rate * static_cast<double>(population));
  s.risk = HypergeometricCdf(population, s.tolerable_deviations, population, s.acceptance_number);
  return s;
}

uint64_t UpperDeviationBound(uint64_t population, uint64_t sample_size, uint64_t deviations, double confidence) {
  double alpha = 1 - confidence;
  // P(X <= d | M) falls as M grows: find the last M where it is still above alpha.
  // M = deviations is always consistent (P = 1).
  uint64_t lo = deviations, hi = population;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo + 1) / 2;
    if (!RiskMet(HypergeometricCdf(population, mid, sample_size, deviations), alpha)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

std::vector<uint64_t> AllocateProportional(const std::vector<uint64_t>& sizes, uint64_t total) {
  std::vector<uint64_t> out(sizes.size(), 0);
  size_t nonempty = static_cast<size_t>(std::count_if(sizes.begin(), sizes.end(), [](uint64_t s) { return s > 0; }));
  std::vector<uint64_t> weights = sizes;
  uint64_t rest = total;
  if (total >= nonempty) {
    // One each first; the rest in proportion to what each stratum has left.
    for (size_t i = 0; i < sizes.size(); ++i) {
      if (sizes[i] > 0) {
        out[i] = 1;
        weights[i] = sizes[i] - 1;
      }
    }
    rest = total - nonempty;
  }
  uint64_t weight_sum = std::accumulate(weights.begin(), weights.end(), uint64_t{0});
  if (rest == 0 || weight_sum == 0) return out;
  // Largest remainder: floor shares, then one more to the largest fractional parts.
  std::vector<std::pair<uint64_t, size_t>> remainders;  // (remainder numerator, index)
  uint64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    uint64_t share = rest * weights[i];  // no overflow: both below 2^32 (sample.h)
    uint64_t whole = static_cast<uint64_t>(share / weight_sum);
    out[i] += whole;
    given += whole;
    remainders.emplace_back(static_cast<uint64_t>(share % weight_sum), i);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t j = 0; given < rest && j < remainders.size(); ++j, ++given) ++out[remainders[j].second];
  return out;
}

uint64_t UniformIndex(std::mt19937_64& rng, uint64_t bound) {
  // 2^64 mod bound values at the bottom would be drawn once more often: reject them.
  uint64_t threshold = (0 - bound) % bound;
  uint64_t x;
  do {
    x = rng();
  } while (x < threshold);
  return x % bound;
}

std::vector<std::string> SamplePlan::EndpointIds() const {
  std::vector<std::string> ids;
  for (const SampleStratum& s : strata) ids.insert(ids.end(), s.endpoints.begin(), s.endpoints.end());
  return ids;
}

SamplePlan MakeSamplePlan(const Manifest& manifest, const SampleParameters& parameters) {
  SamplePlan plan;
  plan.tool_version = RESIDENCY_VERSION;
  plan.manifest_path = manifest.path;
  plan.manifest_sha256 = manifest.sha256;
  plan.service_id = manifest.nodes.empty() ? "" : manifest.service().id;
  plan.parameters = parameters;
  std::vector<const Node*> strata;
  std::vector<uint64_t> sizes;
  uint64_t population = 0;
  for (const Node& n : manifest.nodes) {
    if (n.endpoints.empty()) continue;
    strata.push_back(&n);
    sizes.push_back(n.endpoints.size());
    population += n.endpoints.size();
  }
  plan.size = ComputeSampleSize(population, parameters.confidence, parameters.tolerable_rate, parameters.expected_rate);
  std::vector<uint64_t> take = AllocateProportional(sizes, plan.size.sample_size);
  std::mt19937_64 rng(parameters.seed);
  for (size_t i = 0; i < strata.size(); ++i) {
    SampleStratum s;
    s.id = strata[i]->id;
    s.population = sizes[i];
    // Partial Fisher-Yates over positions: the first take[i] are the draw.
    std::vector<size_t> order(strata[i]->endpoints.size());
    std::iota(order.begin(), order.end(), size_t{0});
    for (uint64_t j = 0; j < take[i]; ++j) {
      uint64_t pick = j + UniformIndex(rng, order.size() - j);
      std::swap(order[j], order[pick]);
    }
    order.resize(take[i]);
    std::sort(order.begin(), order.end());
    for (size_t pos : order) s.endpoints.push_back(manifest.QualifiedId(strata[i]->endpoints[pos]));
    plan.strata.push_back(std::move(s));
  }
  return plan;
}

void RenderSamplePlanText(const SamplePlan& plan, std::ostream& out) {
  const SampleParameters& p = plan.parameters;
  const SampleSize& z = plan.size;
  out << "sample plan for " << plan.manifest_path << " (" << plan.service_id << ")\n";
  out << "  manifest sha256 " << plan.manifest_sha256 << "\n";
  out << "  confidence " << Fixed(p.confidence, 4) << ", tolerable rate " << Fixed(p.tolerable_rate, 4)
      << ", expected rate " << Fixed(p.expected_rate, 4) << ", seed " << p.seed << " (mt19937_64)\n";
  out << "  population " << z.population << " endpoints; tolerable deviations " << z.tolerable_deviations
      << "; sample " << z.sample_size << ", accepting at most " << z.acceptance_number << " deviation"
      << (z.acceptance_number == 1 ? "" : "s") << " (risk " << Fixed(z.risk, 4) << ", hypergeometric)\n";
  if (z.census) out << "  census: no smaller sample reaches the confidence; every endpoint is checked\n";
  for (const SampleStratum& s : plan.strata) {
    out << "\n" << s.id << ": " << s.endpoints.size() << " of " << s.population << "\n";
    for (const std::string& id : s.endpoints) out << "  " << id << "\n";
  }
  out << "\nverify with: residency verify " << plan.manifest_path << " --sample PLAN.json\n";
}

void RenderSamplePlanJson(const SamplePlan& plan, std::ostream& out) {
  JsonOut os(out);
  rapidjson::PrettyWriter<JsonOut> w(os);
  w.SetIndent(' ', 2);
  auto str = [&](const std::string& s) { w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartObject();
  w.Key("plan_version"); w.Int(1);
  w.Key("kind"); str("sample-plan");
  w.Key("tool"); w.StartObject();
  w.Key("name"); str("residency");
  w.Key("version"); str(plan.tool_version);
  w.EndObject();
  w.Key("manifest"); w.StartObject();
  w.Key("path"); str(plan.manifest_path);
  w.Key("sha256"); str(plan.manifest_sha256);
  w.EndObject();
  w.Key("service"); str(plan.service_id);
  w.Key("parameters"); w.StartObject();
  w.Key("confidence"); w.Double(plan.parameters.confidence);
  w.Key("tolerable_rate"); w.Double(plan.parameters.tolerable_rate);
  w.Key("expected_rate"); w.Double(plan.parameters.expected_rate);
  w.Key("seed"); w.Uint64(plan.parameters.seed);
  w.Key("prng"); str("mt19937_64, rejection-sampled index, partial Fisher-Yates per stratum");
  w.Key("allocation"); str("proportional by largest remainder, at least one per non-empty stratum");
  w.EndObject();
  w.Key("population"); w.Uint64(plan.size.population);
  w.Key("tolerable_deviations"); w.Uint64(plan.size.tolerable_deviations);
  w.Key("sample_size"); w.Uint64(plan.size.sample_size);
  w.Key("acceptance_number"); w.Uint64(plan.size.acceptance_number);
  w.Key("risk"); w.Double(plan.size.risk);
  w.Key("census"); w.Bool(plan.size.census);
  w.Key("strata"); w.StartArray();
  for (const SampleStratum& s : plan.strata) {
    w.StartObject();
    w.Key("id"); str(s.id);
    w.Key("population"); w.Uint64(s.population);
    w.Key("sample"); w.Uint64(s.endpoints.size());
    w.Key("endpoints"); w.StartArray();
    for (const std::string& id : s.endpoints) str(id);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  os.Flush();
  out << "\n";
}

Status ReadSamplePlan(const std::string& path, SamplePlan* plan) {
  std::string text;
  if (Status s = ReadFile(path, &text); !s.ok()) return s;
  JsonSource src;
  Diagnostic d;
  if (!src.Parse(path, std::move(text), &d)) return Status::InvalidInput(d.ToString());
  using rapidjson::Value;
  auto bad = [&](const Value* at, const std::string& pointer, const std::string& what) {
    return Status::InvalidInput(src.At(at, pointer, what + " (not a residency sample plan?)").ToString());
  };
  const Value& root = src.doc();
  if (!root.IsObject() || !root.HasMember("kind") || !root["kind"].IsString() ||
      std::string(root["kind"].GetString()) != "sample-plan") {
    return bad(&root, "", "expected an object with \"kind\": \"sample-plan\"");
  }
  auto member = [&](const Value& obj, const std::string& pointer, const char* key, const Value** v) -> Status {
    if (!obj.HasMember(key)) return bad(&obj, pointer, std::string("no \"") + key + "\"");
    *v = &obj[key];
    return Status::Ok();
  };
  auto number = [&](const Value& obj, const std::string& pointer, const char* key, double lo, double hi,
                    double* out) -> Status {
    const Value* v;
    if (Status s = member(obj, pointer, key, &v); !s.ok()) return s;
    if (!v->IsNumber() || v->GetDouble() < lo || v->GetDouble() > hi) {
      return bad(v, pointer + "/" + key, "expected a number from " + Fixed(lo, 0) + " to " + Fixed(hi, 0));
    }
    *out = v->GetDouble();
    return Status::Ok();
  };
  auto count = [&](const Value& obj, const std::string& pointer, const char* key, uint64_t* out) -> Status {
    const Value* v;
    if (Status s = member(obj, pointer, key, &v); !s.ok()) return s;
    if (!v->IsUint64()) return bad(v, pointer + "/" + key, "expected a non-negative integer");
    *out = v->GetUint64();
    return Status::Ok();
  };
  const Value* manifest;
  if (Status s = member(root, "", "manifest", &manifest); !s.ok()) return s;
  if (!manifest->IsObject() || !manifest->HasMember("sha256") || !(*manifest)["sha256"].IsString()) {
    return bad(manifest, "/manifest", "expected {\"path\", \"sha256\"}");
  }
  plan->manifest_sha256 = (*manifest)["sha256"].GetString();
  if (manifest->HasMember("path") && (*manifest)["path"].IsString()) plan->manifest_path = (*manifest)["path"].GetString();
  const Value* params;
  if (Status s = member(root, "", "parameters", &params); !s.ok()) return s;
  if (!params->IsObject()) return bad(params, "/parameters", "expected an object");
  SampleParameters& p = plan->parameters;
  if (Status s = number(*params, "/parameters", "confidence", 0, 1, &p.confidence); !s.ok()) return s;
  if (Status s = number(*params, "/parameters", "tolerable_rate", 0, 1, &p.tolerable_rate); !s.ok()) return s;
  if (Status s = number(*params, "/parameters", "expected_rate", 0, 1, &p.expected_rate); !s.ok()) return s;
  if (p.confidence <= 0 || p.confidence >= 1) {
    return bad(&(*params)["confidence"], "/parameters/confidence", "expected a confidence strictly between 0 and 1");
  }
  if (Status s = count(*params, "/parameters", "seed", &p.seed); !s.ok()) return s;
  if (Status s = count(root, "", "population", &plan->size.population); !s.ok()) return s;
  if (Status s = count(root, "", "sample_size", &plan->size.sample_size); !s.ok()) return s;
  if (Status s = count(root, "", "acceptance_number", &plan->size.acceptance_number); !s.ok()) return s;
  if (Status s = count(root, "", "tolerable_deviations", &plan->size.tolerable_deviations); !s.ok()) return s;
  const Value* strata;
  if (Status s = member(root, "", "strata", &strata); !s.ok()) return s;
  if (!strata->IsArray()) return bad(strata, "/strata", "expected an array");
  std::set<std::string> seen;
  uint64_t drawn = 0;
  for (rapidjson::SizeType i = 0; i < strata->Size(); ++i) {
    std::string pointer = PointerAppend("/strata", i);
    const Value& sv = (*strata)[i];
    if (!sv.IsObject()) return bad(&sv, pointer, "expected an object");
    SampleStratum s;
    const Value* v;
    if (Status st = member(sv, pointer, "id", &v); !st.ok()) return st;
    if (!v->IsString()) return bad(v, pointer + "/id", "expected a string");
    s.id = v->GetString();
    if (Status st = count(sv, pointer, "population", &s.population); !st.ok()) return st;
    if (Status st = member(sv, pointer, "endpoints", &v); !st.ok()) return st;
    if (!v->IsArray()) return bad(v, pointer + "/endpoints", "expected an array");
    for (rapidjson::SizeType k = 0; k < v->Size(); ++k) {
      const Value& e = (*v)[k];
      std::string ep = PointerAppend(pointer + "/endpoints", k);
      if (!e.IsString()) return bad(&e, ep, "expected an endpoint id");
      if (!seen.insert(e.GetString()).second) return bad(&e, ep, "endpoint \"" + std::string(e.GetString()) + "\" drawn twice");
      s.endpoints.push_back(e.GetString());
      ++drawn;
    }
    plan->strata.push_back(std::move(s));
  }
  if (drawn != plan->size.sample_size || plan->size.sample_size > plan->size.population) {
    return bad(&root["sample_size"], "/sample_size",
               "sample_size " + std::to_string(plan->size.sample_size) + " does not match the " +
                   std::to_string(drawn) + " endpoints drawn and the population " +
                   std::to_string(plan->size.population));
  }
  return Status::Ok();
}

bool SampleResult::WithinTolerable() const {
  return upper_bound_rate <= parameters.tolerable_rate * (1 + kRiskSlack);
}

}  // namespace residency
