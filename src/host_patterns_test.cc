#include "host_patterns.h"

#include <doctest/doctest.h>

namespace residency {
namespace {

const std::string kPatterns = std::string(RESIDENCY_SOURCE_DIR) + "/geodb/host-patterns.json";

TEST_CASE("The shipped host patterns find provider and region only where the name encodes them") {
  HostPatterns patterns;
  Status s = HostPatterns::Load(kPatterns, &patterns);
  REQUIRE_MESSAGE(s.ok(), s.message());
  struct Case {
    const char* host;
    const char* provider;  // "" for no match
    const char* region;
    const char* service;
  };
  const Case cases[] = {
      {"my-bucket.s3.eu-central-1.amazonaws.com", "aws", "eu-central-1", "S3"},
      {"My-Bucket.S3.EU-Central-1.AmazonAWS.com.", "aws", "eu-central-1", "S3"},
      {"s3.eu-central-2.amazonaws.com", "aws", "eu-central-2", "S3"},
      {"s3.dualstack.eu-west-1.amazonaws.com", "aws", "eu-west-1", "S3"},
      {"my.dotted.bucket.s3.dualstack.eu-west-3.amazonaws.com", "aws", "eu-west-3", "S3"},
      {"bucket.s3.dualstack.eu-west-3.amazonaws.com", "aws", "eu-west-3", "S3"},
      {"bucket.s3-website-eu-west-1.amazonaws.com", "aws", "eu-west-1", "S3 website"},
      {"bucket.s3-website.eu-central-1.amazonaws.com", "aws", "eu-central-1", "S3 website"},
      {"s3-eu-west-1.amazonaws.com", "aws", "eu-west-1", "S3"},
      {"ap-1234.s3-accesspoint.eu-north-1.amazonaws.com", "aws", "eu-north-1", "S3"},
      {"dynamodb.eu-central-1.amazonaws.com", "aws", "eu-central-1", "AWS service endpoint"},
      {"ec2-3-120-0-1.eu-central-1.compute.amazonaws.com", "aws", "eu-central-1", "EC2"},
      {"ec2-54-1-2-3.compute-1.amazonaws.com", "aws", "us-east-1", "EC2"},
      {"abc123.execute-api.eu-central-1.amazonaws.com", "aws", "eu-central-1", "API Gateway"},
      {"my-lb-123.eu-west-1.elb.amazonaws.com", "aws", "eu-west-1", "Elastic Load Balancing"},
      {"my-nlb-123.elb.eu-west-1.amazonaws.com", "aws", "eu-west-1", "Elastic Load Balancing"},
      {"db.abc.eu-central-1.rds.amazonaws.com", "aws", "eu-central-1", "RDS"},
      {"sqs.us-gov-west-1.amazonaws.com", "aws", "us-gov-west-1", "AWS service endpoint"},
      {"s3.cn-north-1.amazonaws.com.cn", "aws", "cn-north-1", "AWS service endpoint"},
      {"bucket.s3.eusc-de-east-1.amazonaws.eu", "aws", "eusc-de-east-1", "S3"},
      {"ec2.eusc-de-east-1.amazonaws.eu", "aws", "eusc-de-east-1", "AWS European Sovereign Cloud endpoint"},
      {"abc.lambda-url.eu-central-1.on.aws", "aws", "eu-central-1", "Lambda function URL"},
      // Names that do not say where: no match, never a guess.
      {"s3.amazonaws.com", "", "", ""},
      {"bucket.s3.amazonaws.com", "", "", ""},
      {"iam.amazonaws.com", "", "", ""},
      {"d111111abcdef8.cloudfront.net", "", "", ""},
      {"amazonaws.com", "", "", ""},
      {"myvm.germanywestcentral.cloudapp.azure.com", "azure", "germanywestcentral", "Public IP DNS name"},
      {"cloudapp.azure.com", "", "", ""},
      {"myapp.azurewebsites.net", "", "", ""},
      {"app.kindbeach-1234.westeurope.azurecontainerapps.io", "azure", "westeurope", "Container Apps"},
      {"cl-dns-1.hcp.northeurope.azmk8s.io", "azure", "northeurope", "AKS API server"},
      {"europe-west3-docker.pkg.dev", "gcp", "europe-west3", "Artifact Registry"},
      {"europe-docker.pkg.dev", "", "", ""},  // a multi-region, not a region
      {"northamerica-northeast1-python.pkg.dev", "gcp", "northamerica-northeast1", "Artifact Registry"},
      {"europe-west1-aiplatform.googleapis.com", "gcp", "europe-west1", "Vertex AI"},
      {"europe-west3-my-project-42.cloudfunctions.net", "gcp", "europe-west3", "Cloud Functions"},
      {"my-project.cloudfunctions.net", "", "", ""},
      {"objectstorage.eu-frankfurt-1.oraclecloud.com", "oci", "eu-frankfurt-1", "OCI service endpoint"},
      {"ns.objectstorage.eu-zurich-1.oci.customer-oci.com", "oci", "eu-zurich-1", "Object Storage"},
      {"bucket.oss-eu-central-1.aliyuncs.com", "alibaba", "eu-central-1", "OSS"},
      {"oss-cn-hangzhou.aliyuncs.com", "alibaba", "cn-hangzhou", "OSS"},
      {"bucket.s3.gra.io.cloud.ovh.net", "ovhcloud", "gra", "Object Storage"},
      {"bucket.s3.fr-par.scw.cloud", "scaleway", "fr-par", "Object Storage"},
      {"fsn1.your-objectstorage.com", "hetzner", "fsn1", "Object Storage"},
      {"object.storage.eu01.onstackit.cloud", "stackit", "eu01", "Object Storage"},
      {"bucket.obs.eu-de.otc.t-systems.com", "otc", "eu-de", "Object Storage (OBS)"},
      {"sos-ch-gva-2.exo.io", "exoscale", "ch-gva-2", "Object Storage (SOS)"},
      {"", "", "", ""},
      {".", "", "", ""},
      {"a..b.amazonaws.com", "", "", ""},
      {"example.com", "", "", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.host));
    std::optional<HostMatch> m = patterns.Match(c.host);
    CHECK(m.has_value() == (c.provider[0] != '\0'));
    if (m) {
      CHECK(m->provider == c.provider);
      CHECK(m->region == c.region);
      CHECK(m->service == c.service);
    }
  }
}

TEST_CASE("Malformed host patterns are errors with a JSON pointer") {
  struct Case { const char* json; const char* message; };
  const Case cases[] = {
      {"[", "p.json:1:2: invalid JSON: Invalid value."},
      {"{}", "p.json: /patterns: expected an array of patterns"},
      {R"({"patterns":[1]})", "p.json: /patterns/0: expected an object"},
      {R"({"patterns":[{"pattern":"s3.{region}.x","provider":"aws"}]})", "p.json: /patterns/0: missing \"service\""},
      {R"({"patterns":[{"pattern":"a.**.{region}.x","provider":"aws","service":"S"}]})",
       "p.json: /patterns/0/pattern: \"**\" only as the leftmost label: \"a.**.{region}.x\""},
      {R"({"patterns":[{"pattern":"a.x","provider":"aws","service":"S"}]})",
       "p.json: /patterns/0: a pattern needs exactly one of a {region} label and a \"region\": \"a.x\""},
      {R"({"patterns":[{"pattern":"{region}.x","region":"r","provider":"aws","service":"S"}]})",
       "p.json: /patterns/0: a pattern needs exactly one of a {region} label and a \"region\": \"{region}.x\""},
      {R"({"patterns":[{"pattern":"{region}.x","provider":"aws","service":"S","region_shape":"weird"}]})",
       "p.json: /patterns/0/region_shape: unknown shape \"weird\" (aws, gcp, azure, alibaba, label)"},
      {R"({"patterns":[{"pattern":"a b.{region}","provider":"aws","service":"S"}]})",
       "p.json: /patterns/0/pattern: bad label \"a b\" in \"a b.{region}\""},
      {R"({"patterns":[{"pattern":7,"provider":"aws","service":"S"}]})", "p.json: /patterns/0/pattern: expected a string"},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.json));
    HostPatterns patterns;
    Status s = HostPatterns::Parse(c.json, "p.json", &patterns);
    CHECK(!s.ok());
    CHECK(s.message() == c.message);
  }
}

}  // namespace
}  // namespace residency
