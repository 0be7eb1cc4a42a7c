// The dashboard's files, embedded in the c12s binary at build time (dashboard/embed.cmake
// writes their definitions into the build folder): the page's HTML, JS and CSS from
// endpoints/c12s/dashboard/, and every global protocol of protocols/*.gtype as the SVG
// sequence diagram `gtype diagram FILE --protocol P --format svg` drew of it. Nothing is read
// from disk at run time, and c12s does not link the gtype front end.
#pragma once

#include <span>
#include <string_view>

namespace c12s::cli::dashboard {

struct Asset {
  std::string_view path;        // "/app.js"
  std::string_view media_type;  // "text/javascript" (UTF-8)
  std::string_view body;
};

struct Diagram {
  std::string_view protocol;  // "ListDetail"
  std::string_view file;      // "list_detail.gtype"
  std::string_view svg;
};

std::span<const Asset> assets();      // sorted by path
std::span<const Diagram> diagrams();  // sorted by protocol

}  // namespace c12s::cli::dashboard
