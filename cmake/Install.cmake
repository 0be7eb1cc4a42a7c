# `cmake --install <build> [--prefix P]`: the c12s command (install component `c12s_common`), and
# (component `gtype`) the gtype command, the runtime library and its headers (include/gtype/rt,
# include/gtype/gen, and gtype/status.h for the errors it returns), and a CMake package, so that
# another project can do
#
#   find_package(gtype REQUIRED)
#   gtype_add_protocol(my_protocol FILES my.gtype)
#   target_link_libraries(my_program PRIVATE my_protocol)
#
# The package (cmake/gtypeConfig.cmake.in) defines the imported targets gtype::gtype (the
# command) and gtype::runtime, finds the runtime's dependencies, and includes Gtype.cmake with
# GTYPE_EXECUTABLE set to the installed command. Included at the end of the top-level
# CMakeLists.txt, once every target exists. Nothing else of the project (the front end's
# libraries, the tests) is installed. cmake/Packaging.cmake adds what only the Debian packages
# install (units, /etc/c12s): absolute paths, in components a plain `cmake --install` leaves out.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(GTYPE_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/gtype)

install(TARGETS gtype EXPORT gtypeTargets RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT gtype)
if(TARGET c12s)
  # Not exported: it is a program to run, not something to link or call from CMake.
  install(TARGETS c12s RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT c12s_common)
endif()

if(TARGET gtype_runtime)
  if(NOT TARGET gtype::runtime)
    add_library(gtype::runtime ALIAS gtype_runtime)
  endif()
  set_target_properties(gtype_runtime PROPERTIES EXPORT_NAME runtime)
  # Headers from the source tree while building, from the prefix once installed.
  set_property(TARGET gtype_runtime PROPERTY INTERFACE_INCLUDE_DIRECTORIES
               $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  # gtype_warnings is linked privately; a static library's export still names it (link only).
  set_target_properties(gtype_warnings PROPERTIES EXPORT_NAME warnings)
  set_property(TARGET gtype_status PROPERTY INTERFACE_INCLUDE_DIRECTORIES
               $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  set_target_properties(gtype_status PROPERTIES EXPORT_NAME status)
  install(TARGETS gtype_runtime gtype_status gtype_warnings EXPORT gtypeTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT gtype
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT gtype)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/gtype/rt ${PROJECT_SOURCE_DIR}/include/gtype/gen
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/gtype COMPONENT gtype)
  # The error type the runtime returns (gtype_status), and what it includes.
  install(FILES ${PROJECT_SOURCE_DIR}/include/gtype/status.h ${PROJECT_SOURCE_DIR}/include/gtype/diagnostic.h
                ${PROJECT_SOURCE_DIR}/include/gtype/source.h
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/gtype COMPONENT gtype)
endif()

install(EXPORT gtypeTargets NAMESPACE gtype:: DESTINATION ${GTYPE_INSTALL_CMAKEDIR} COMPONENT gtype)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/gtypeConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/gtypeConfig.cmake
                              INSTALL_DESTINATION ${GTYPE_INSTALL_CMAKEDIR}
                              PATH_VARS CMAKE_INSTALL_BINDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/gtypeConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/gtypeConfig.cmake ${PROJECT_BINARY_DIR}/gtypeConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/Gtype.cmake
        DESTINATION ${GTYPE_INSTALL_CMAKEDIR} COMPONENT gtype)
