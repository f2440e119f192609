#pragma once
// Internal: the Beast side of requests and responses (parser limits, Request
// building, response serialization). Included only by src/http/*.cc and the
// fuzz target; the public header stays free of Beast.

#include <cstddef>
#include <string>
#include <string_view>

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "common/error.h"
#include "http/server.h"

namespace foundry::http::wire {

namespace bhttp = boost::beast::http;
using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;
using StreamHeader = bhttp::response<bhttp::empty_body>;
using RequestParser = bhttp::request_parser<bhttp::string_body>;

// Request line plus all header fields; larger headers get 431.
inline constexpr size_t kMaxHeaderBytes = 32 * 1024;

// Applies the server's limits to a freshly constructed parser.
void configureParser(RequestParser& parser, size_t maxBodyBytes);

// Converts a parsed message into a Request; `msg` is left untouched on error
// (only a successful build moves its body). Errors are kInvalidArgument with
// a message that is safe to send back to the client (400).
Result<Request> buildRequest(BeastRequest&& msg, std::string remoteAddress, bool tls);

// A best-effort Request from a header alone (no validation, no body), for
// reporting requests that were refused before they were complete (413).
Request partialRequest(const BeastRequest& msg, std::string remoteAddress, bool tls);

// Serializes a non-streaming Response: drops unsafe or server-owned handler
// headers, adds Server and Content-Length, honours HEAD and no-body statuses.
BeastResponse toBeastResponse(Response&& response, const Request& request, bool keepAlive,
                              unsigned version);

// The header of a streamed response: chunked when `chunked`, otherwise
// close-delimited (HTTP/1.0 peers, never keep-alive).
StreamHeader streamHeader(Response& response, bool chunked, bool keepAlive, unsigned version);

// Feeds raw bytes through a parser configured like the server's and builds a
// Request, as the server would. For the fuzz target and tests.
Result<Request> parseRequestBytes(std::string_view raw, size_t maxBodyBytes);

}  // namespace foundry::http::wire
