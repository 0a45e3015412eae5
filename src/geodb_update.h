// `residency geodb update`: fetch fresh provider feeds, validate, replace atomically,
// recompile the feed index (feeds.h). RunGeodbUpdate (commands.h) uses libcurl;
// UpdateGeodbFeeds takes any HttpClient so that tests can use a fake.
//
// All or nothing: every selected feed is downloaded and imported (validated) before any file
// is replaced; if one fails, nothing is replaced, the message names the feed and its URL,
// and the exit code is 2. A 304 Not Modified keeps the file. Beside each feed FILE,
// FILE.http keeps the URL, the ETag and the Last-Modified of its last download; they are sent
// back as If-None-Match / If-Modified-Since when the URL is the same.
//
// With `offline`, nothing is fetched: the index is recompiled from GEODB/feeds/.
#ifndef RESIDENCY_GEODB_UPDATE_H_
#define RESIDENCY_GEODB_UPDATE_H_

#include <ostream>

#include "commands.h"
#include "http_client.h"

namespace residency {

int UpdateGeodbFeeds(const GeodbUpdateOptions& options, HttpClient& http, std::ostream& out,
                     std::ostream& err);

}  // namespace residency

#endif  // RESIDENCY_GEODB_UPDATE_H_
