// Sample: attribute sampling of a manifest's endpoints for an audit (docs/audit.md).
//
// The population is every endpoint of the manifest (N); a deviation is an endpoint whose
// verify verdict is not `pass`. The sample size is the smallest n such that, if the
// population held as many deviations as the tolerable rate allows (M = ceil(T·N)), the
// probability of finding at most k = ceil(E·n) of them in a sample of n drawn without
// replacement (hypergeometric) is at most 1 - confidence. The probabilities are computed
// exactly in double precision from log-gamma; there are no tables. After verify, the
// upper bound of the deviation count at the same confidence is the largest M for which
// seeing at most the deviations found still has probability above 1 - confidence.
//
// The sample is stratified by node (the service itself and each subservice with
// endpoints): proportional allocation by largest remainder, at least one endpoint per
// non-empty stratum when n allows. The endpoints in each stratum are drawn by a partial
// Fisher-Yates shuffle driven by std::mt19937_64 (whose output the standard fixes) and
// UniformIndex below (no std distribution, whose output the standard does not fix), so a
// plan is the same on every platform for the same manifest, parameters and seed.
//
// Plans and results are plain values; renderers write to any std::ostream.
#ifndef RESIDENCY_SAMPLE_H_
#define RESIDENCY_SAMPLE_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "manifest.h"
#include "status.h"

namespace residency {

// P(X <= k) for X hypergeometric: n drawn without replacement from N items of which M are
// marked. REQUIRES: M <= N, n <= N.
double HypergeometricCdf(uint64_t N, uint64_t M, uint64_t n, uint64_t k);

struct SampleSize {
  uint64_t population = 0;           // N
  uint64_t tolerable_deviations = 0; // M = ceil(T·N)
  uint64_t sample_size = 0;          // n
  uint64_t acceptance_number = 0;    // k = ceil(E·n): deviations the plan expects to tolerate
  double risk = 0;                   // P(X <= k | N, M, n): at most 1 - confidence unless census
  bool census = false;               // no n < N meets the risk: every endpoint is checked
};

// REQUIRES: 0 < confidence < 1, 0 < tolerable_rate <= 1, 0 <= expected_rate < tolerable_rate.
SampleSize ComputeSampleSize(uint64_t population, double confidence, double tolerable_rate, double expected_rate);

// The largest deviation count M of the population (N) consistent, at `confidence`, with
// `deviations` found among `sample_size` drawn: max{M : P(X <= deviations | N, M, n) > 1 - c}.
// REQUIRES: deviations <= sample_size <= population.
uint64_t UpperDeviationBound(uint64_t population, uint64_t sample_size, uint64_t deviations, double confidence);

// How many of each stratum to draw (the rule is in the file comment). REQUIRES: total <=
// the sum of sizes < 2^32. Ties in the remainders go to the earlier stratum.
std::vector<uint64_t> AllocateProportional(const std::vector<uint64_t>& sizes, uint64_t total);

// A uniform index in [0, bound) by rejection (no modulo bias). REQUIRES: bound > 0.
uint64_t UniformIndex(std::mt19937_64& rng, uint64_t bound);

struct SampleParameters {
  double confidence = 0.95;
  double tolerable_rate = 0.05;
  double expected_rate = 0;
  uint64_t seed = 0;
};

struct SampleStratum {
  std::string id;                      // node id
  uint64_t population = 0;             // endpoints of the node
  std::vector<std::string> endpoints;  // the drawn NODE/ENDPOINT ids, in manifest order
};

struct SamplePlan {
  std::string tool_version;
  std::string manifest_path, manifest_sha256;
  std::string service_id;
  SampleParameters parameters;
  SampleSize size;
  std::vector<SampleStratum> strata;

  std::vector<std::string> EndpointIds() const;  // every drawn id, stratum by stratum
};

// REQUIRES: parameters in the ranges of ComputeSampleSize.
SamplePlan MakeSamplePlan(const Manifest& manifest, const SampleParameters& parameters);

void RenderSamplePlanText(const SamplePlan& plan, std::ostream& out);
void RenderSamplePlanJson(const SamplePlan& plan, std::ostream& out);

// Reads a plan written by RenderSamplePlanJson. Errors are located (FILE:LINE:COL).
Status ReadSamplePlan(const std::string& path, SamplePlan* plan);

// What `verify --sample` adds to the report: the plan's figures and the bound.
struct SampleResult {
  std::string plan_path;
  SampleParameters parameters;
  uint64_t population = 0, sample_size = 0, acceptance_number = 0;
  uint64_t checked = 0;                 // endpoints of the plan that were verified
  uint64_t deviations_fail = 0, deviations_unverified = 0;
  uint64_t upper_bound_deviations = 0;  // UpperDeviationBound
  double upper_bound_rate = 0;          // upper_bound_deviations / population
  // The bound is at most the tolerable rate: the sample supports the assertion.
  bool WithinTolerable() const;
  uint64_t Deviations() const { return deviations_fail + deviations_unverified; }
};

}  // namespace residency

#endif  // RESIDENCY_SAMPLE_H_
