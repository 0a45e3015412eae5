#include "geodb_update.h"

#include <ctime>
#include <filesystem>
#include <map>
#include <sstream>

#include "feeds.h"
#include "paths.h"

namespace residency {
namespace {

// What FILE.http remembers of the last download.
struct FetchMeta {
  std::string url, etag, last_modified, fetched;
};

FetchMeta ReadMeta(const std::string& path) {
  FetchMeta meta;
  std::string text;
  if (!ReadFile(path, &text).ok()) return meta;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    size_t colon = line.find(": ");
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon), value = line.substr(colon + 2);
    if (key == "url") meta.url = value;
    if (key == "etag") meta.etag = value;
    if (key == "last-modified") meta.last_modified = value;
    if (key == "fetched") meta.fetched = value;
  }
  return meta;
}

std::string FormatMeta(const FetchMeta& meta) {
  return "url: " + meta.url + "\netag: " + meta.etag + "\nlast-modified: " + meta.last_modified +
         "\nfetched: " + meta.fetched + "\n";
}

std::string NowUtc() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string KnownFeeds() {
  std::string names;
  for (const FeedSpec& spec : FeedSpecs()) {
    if (!names.empty()) names += ", ";
    names += spec.name;
  }
  return names;
}

// A feed downloaded and validated, waiting to replace the old file.
struct Pending {
  const FeedSpec* spec;
  std::string path;
  std::string body;
  FetchMeta meta;
};

}  // namespace

int UpdateGeodbFeeds(const GeodbUpdateOptions& options, HttpClient& http, std::ostream& out,
                     std::ostream& err) {
  std::string geodb;
  if (Status s = ResolveGeodbDir(options.geodb_dir, &geodb); !s.ok()) {
    err << "residency: geodb update: " << s.message() << "\n";
    return kExitError;
  }
  if (options.offline) {
    std::string summary;
    Status s = CompileFeeds(geodb, &summary);
    if (!s.ok()) {
      err << "residency: geodb update: " << s.message() << "\n";
      return kExitError;
    }
    out << summary;
    return kExitPass;
  }

  std::map<std::string, std::string> urls;
  for (const std::string& override_url : options.urls) {
    size_t eq = override_url.find('=');
    std::string name = override_url.substr(0, eq);
    if (eq == std::string::npos || eq + 1 == override_url.size() || !FindFeedSpec(name)) {
      err << "residency: geodb update: --url \"" << override_url
          << "\": expected NAME=URL with NAME one of " << KnownFeeds() << "\n";
      return kExitError;
    }
    urls[name] = override_url.substr(eq + 1);
  }
  std::vector<const FeedSpec*> selected;
  for (const std::string& name : options.feeds) {
    const FeedSpec* spec = FindFeedSpec(name);
    if (!spec) {
      err << "residency: geodb update: unknown feed \"" << name << "\" (known: " << KnownFeeds()
          << ")\n";
      return kExitError;
    }
    selected.push_back(spec);
  }
  if (selected.empty()) {
    for (const FeedSpec& spec : FeedSpecs()) selected.push_back(&spec);
  }

  std::vector<Pending> pending;
  std::vector<std::string> errors;
  for (const FeedSpec* spec : selected) {
    std::string name(spec->name);
    std::string url = urls.count(name) ? urls[name] : std::string(spec->default_url);
    std::string path = geodb + "/feeds/" + std::string(spec->file);
    FetchMeta old = ReadMeta(path + ".http");
    std::string existing;
    bool have_file = ReadFile(path, &existing).ok();
    HttpRequest request;
    request.url = url;
    request.timeout_seconds = options.timeout_seconds;
    if (have_file && old.url == url) {
      request.if_none_match = old.etag;
      request.if_modified_since = old.last_modified;
    }
    HttpResponse response;
    std::string where = "feed " + name + " (" + url + ")";
    Status s = http.Get(request, &response);
    if (!s.ok()) {
      errors.push_back(where + ": " + s.message());
      continue;
    }
    if (response.status == 304) {
      if (!have_file) {
        errors.push_back(where + ": HTTP 304 Not Modified, but " + path + " does not exist");
      } else {
        out << name << ": not modified (" << url << ")\n";
      }
      continue;
    }
    if (response.status != 200) {
      errors.push_back(where + ": HTTP " + std::to_string(response.status));
      continue;
    }
    std::vector<FeedEntry> entries;
    s = ImportFeed(spec->format, response.body, url, &entries);
    if (!s.ok()) {
      errors.push_back(where + ": not a valid feed: " + s.message());
      continue;
    }
    out << name << ": downloaded " << response.body.size() << " bytes, " << entries.size()
        << " prefixes (" << url << ")\n";
    pending.push_back(Pending{spec, path, std::move(response.body),
                              FetchMeta{url, response.etag, response.last_modified, NowUtc()}});
  }
  if (!errors.empty()) {
    for (const std::string& e : errors) err << "residency: geodb update: " << e << "\n";
    err << "residency: geodb update: nothing replaced; the old feeds and index are kept\n";
    return kExitError;
  }

  for (const Pending& p : pending) {
    Status s = WriteFileAtomic(p.path, p.body);
    if (s.ok()) s = WriteFileAtomic(p.path + ".http", FormatMeta(p.meta));
    if (!s.ok()) {
      err << "residency: geodb update: feed " << p.spec->name << ": " << s.message() << "\n";
      return kExitError;
    }
  }
  std::string index = geodb + "/cache/feeds.mmdb";
  std::error_code ec;
  if (pending.empty() && std::filesystem::exists(index, ec)) {
    out << "nothing changed; " << index << " kept\n";
    return kExitPass;
  }
  std::string summary;
  if (Status s = CompileFeeds(geodb, &summary); !s.ok()) {
    err << "residency: geodb update: " << s.message() << "\n";
    return kExitError;
  }
  out << summary;
  return kExitPass;
}

int RunGeodbUpdate(const GeodbUpdateOptions& options, std::ostream& out, std::ostream& err) {
  std::unique_ptr<HttpClient> http = NewCurlHttpClient();
  return UpdateGeodbFeeds(options, *http, out, err);
}

}  // namespace residency
