# `cpack -G DEB` in the build folder: the Debian packages (docs/deploying.md, "Packages and units").
#
#   c12s-common   /usr/bin/c12s (with its bash completion and manual page), /etc/c12s/system.yaml,
#                 /etc/default/c12s; its postinst creates the system user c12s and /var/lib/c12s
#                 (0700)
#   c12s-daemon   a node's daemon: c12s-daemon.service and /etc/c12s/daemon.yaml
#   c12s-control  the services: c12s-service@.service, its instances' start order, c12s.target
#   gtype         the toolchain: gtype (with its bash completion and manual page), the runtime's
#                 headers and libraries, the CMake package
#
# Why c12s-common: both c12s packages run one binary, as one user, on one system map. dpkg lets a
# file belong to one package only, so without it one of the two would own /usr/bin/c12s and the
# other would depend on it (a node would carry the control plane's units, or the reverse), and
# the user and its directory would be created in two places. With it, the user and
# /var/lib/c12s live exactly as long as some c12s package is installed.
#
# Units, conffiles and maintainer scripts are in packaging/. The system files go to Debian's
# absolute paths, in components a plain `cmake --install` leaves out (EXCLUDE_FROM_ALL): installing
# to a prefix (codegen_install_example) writes nothing outside it. CPack installs every component.
# scripts/package-test.sh builds, installs, runs and purges the packages (CTest: package_test).
set(C12S_PACKAGE_MAINTAINER "Constellations maintainers <maintainers@users.noreply.r-seed-7b5f8ea7.example>"
    CACHE STRING "Maintainer field of the Debian packages")
# Debian 12 ships units in /lib/systemd/system (/usr/lib/systemd/system from Debian 13 on).
set(C12S_SYSTEMD_UNITDIR /lib/systemd/system CACHE PATH "Where the Debian packages put systemd units")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME c12s)
set(CPACK_PACKAGE_VENDOR Constellations)
set(CPACK_PACKAGE_CONTACT "${C12S_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # NAME_VERSION-RELEASE_ARCH.deb
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)  # c12s-daemon Depends: c12s-common (= the same version)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)  # scripts 0755, conffiles 0644
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)

# Library dependencies from the binaries themselves when dpkg-shlibdeps (dpkg-dev) can say, with
# `file` to find them; else the Debian 12 packages of what `ldd build/bin/c12s build/bin/gtype`
# shows them linking (libsodium, libpgm, libnorm come through libzmq5); -DC12S_DPKG_SHLIBDEPS=OFF
# picks the list.
find_program(C12S_DPKG_SHLIBDEPS dpkg-shlibdeps)
find_program(C12S_FILE_COMMAND file)
if(C12S_DPKG_SHLIBDEPS AND C12S_FILE_COMMAND)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(c12s_libraries "")
  set(gtype_libraries "")
else()
  set(c12s_libraries
      ", libc6, libgcc-s1, libstdc++6, libssl3, libsqlite3-0, libyaml-cpp0.7, libzmq5, libcpp-httplib0.11")
  set(gtype_libraries ", libc6, libgcc-s1, libstdc++6, libantlr4-runtime4.9")
endif()

# Each command's bash completion and manual page, generated at build time from its own command
# line (support/command_line.cpp: `COMMAND completion bash`, `COMMAND --man-page`), so that they
# never disagree with --help; installed (with the command's component) where Debian looks:
# /usr/share/bash-completion/completions/COMMAND and /usr/share/man/man1/COMMAND.1.gz (gzip -9n,
# reproducible). scripts/package-test.sh checks both in the installed packages.
function(c12s_shell_files command component)
  set(completion ${PROJECT_BINARY_DIR}/share/bash-completion/completions/${command})
  set(manual ${PROJECT_BINARY_DIR}/share/man/man1/${command}.1.gz)
  add_custom_command(
    OUTPUT ${completion} ${manual}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/share/bash-completion/completions
            ${PROJECT_BINARY_DIR}/share/man/man1
    COMMAND sh -c "\"$1\" completion bash >\"$2\" && \"$1\" --man-page | gzip -9n >\"$3\"" sh
            $<TARGET_FILE:${command}> ${completion} ${manual}
    DEPENDS ${command}
    COMMENT "Generating the bash completion and manual page of ${command}"
    VERBATIM)
  add_custom_target(${command}_shell_files ALL DEPENDS ${completion} ${manual})
  install(FILES ${completion} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
          COMPONENT ${component})
  install(FILES ${manual} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT ${component})
endfunction()
c12s_shell_files(gtype gtype)
if(TARGET c12s)
  c12s_shell_files(c12s c12s_common)
endif()

set(CPACK_COMPONENTS_ALL gtype)
set(CPACK_DEBIAN_GTYPE_PACKAGE_NAME gtype)
set(CPACK_DEBIAN_GTYPE_PACKAGE_SECTION devel)
# What find_package(gtype) finds (cmake/gtypeConfig.cmake.in) and gtype_add_protocol compiles with.
set(CPACK_DEBIAN_GTYPE_PACKAGE_DEPENDS "cppzmq-dev, libmsgpack-cxx-dev, nlohmann-json3-dev${gtype_libraries}")
set(CPACK_DEBIAN_GTYPE_PACKAGE_RECOMMENDS "cmake (>= 3.22), g++ (>= 4:12) | c++-compiler")
set(CPACK_DEBIAN_GTYPE_DESCRIPTION "multiparty session types: check, project, verify, generate C++
gtype checks protocols written as multiparty session types with explicit connections (.gtype
files), projects each role's local type, model-checks safety and progress, and generates typed
C++ endpoints over ZeroMQ. With the runtime library, its headers and the CMake package:
find_package(gtype) and gtype_add_protocol().")

if(TARGET c12s)
  # The services in start order, each after those it calls: system::service_names()
  # (endpoints/system/system_map.cpp). scripts/package-test.sh checks it against `c12s service --help`.
  set(C12S_SERVICES log nodes state queue push scheduler)

  set(generated ${PROJECT_BINARY_DIR}/packaging)
  set(units "")
  set(previous "")
  foreach(service IN LISTS C12S_SERVICES)
    list(APPEND units c12s-service@${service}.service)
    if(previous)
      # A template's instances differ only in drop-ins: the start order goes there.
      file(CONFIGURE OUTPUT ${generated}/systemd/c12s-service@${service}.service.d/order.conf
           CONTENT "# Generated by cmake/Packaging.cmake: the services start in the order of C12S_SERVICES.\n[Unit]\nAfter=c12s-service@${previous}.service\n")
      install(FILES ${generated}/systemd/c12s-service@${service}.service.d/order.conf
              DESTINATION ${C12S_SYSTEMD_UNITDIR}/c12s-service@${service}.service.d
              COMPONENT c12s_control EXCLUDE_FROM_ALL)
    endif()
    set(previous ${service})
  endforeach()
  list(JOIN units " " C12S_SERVICE_UNITS)
  list(JOIN C12S_SERVICES ", " C12S_SERVICES_TEXT)
  list(JOIN C12S_SERVICES " " C12S_SERVICES_WORDS)
  configure_file(${PROJECT_SOURCE_DIR}/packaging/systemd/c12s.target.in ${generated}/systemd/c12s.target @ONLY)

  foreach(script postinst prerm postrm)
    configure_file(${PROJECT_SOURCE_DIR}/packaging/debian/c12s-control/${script}.in
                   ${generated}/debian/c12s-control/${script} @ONLY)
  endforeach()

  install(FILES ${PROJECT_SOURCE_DIR}/packaging/etc/system.yaml DESTINATION /etc/c12s
          COMPONENT c12s_common EXCLUDE_FROM_ALL)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/etc/default-c12s DESTINATION /etc/default RENAME c12s
          COMPONENT c12s_common EXCLUDE_FROM_ALL)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/etc/daemon.yaml DESTINATION /etc/c12s
          COMPONENT c12s_daemon EXCLUDE_FROM_ALL)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/systemd/c12s-daemon.service DESTINATION ${C12S_SYSTEMD_UNITDIR}
          COMPONENT c12s_daemon EXCLUDE_FROM_ALL)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/systemd/c12s-service@.service ${generated}/systemd/c12s.target
          DESTINATION ${C12S_SYSTEMD_UNITDIR} COMPONENT c12s_control EXCLUDE_FROM_ALL)

  list(APPEND CPACK_COMPONENTS_ALL c12s_common c12s_daemon c12s_control)
  set(debian ${PROJECT_SOURCE_DIR}/packaging/debian)

  set(CPACK_DEBIAN_C12S_COMMON_PACKAGE_NAME c12s-common)
  set(CPACK_DEBIAN_C12S_COMMON_PACKAGE_SECTION net)
  set(CPACK_DEBIAN_C12S_COMMON_PACKAGE_DEPENDS "adduser${c12s_libraries}")
  set(CPACK_DEBIAN_C12S_COMMON_PACKAGE_CONTROL_EXTRA
      ${debian}/c12s-common/postinst ${debian}/c12s-common/postrm ${debian}/c12s-common/conffiles)
  set(CPACK_DEBIAN_C12S_COMMON_DESCRIPTION "c12s micro-cloud control plane: command and system user
The c12s command (query, mutate, list, logs; and every process of the system), the system map
/etc/c12s/system.yaml, and the system user c12s with its state directory /var/lib/c12s, which
c12s-daemon and c12s-control share.")

  set(CPACK_DEBIAN_C12S_DAEMON_PACKAGE_NAME c12s-daemon)
  set(CPACK_DEBIAN_C12S_DAEMON_PACKAGE_SECTION net)
  set(CPACK_DEBIAN_C12S_DAEMON_PACKAGE_CONTROL_EXTRA
      ${debian}/c12s-daemon/postinst ${debian}/c12s-daemon/prerm ${debian}/c12s-daemon/postrm
      ${debian}/c12s-daemon/conffiles)
  set(CPACK_DEBIAN_C12S_DAEMON_DESCRIPTION "c12s node daemon (systemd unit c12s-daemon.service)
Runs this node's daemon of a c12s micro cloud as the user c12s: health checks with the labels
of /etc/c12s/daemon.yaml, formations pushed by the control plane, SWIM among its cluster.")

  set(CPACK_DEBIAN_C12S_CONTROL_PACKAGE_NAME c12s-control)
  set(CPACK_DEBIAN_C12S_CONTROL_PACKAGE_SECTION net)
  set(CPACK_DEBIAN_C12S_CONTROL_PACKAGE_CONTROL_EXTRA
      ${generated}/debian/c12s-control/postinst ${generated}/debian/c12s-control/prerm
      ${generated}/debian/c12s-control/postrm)
  set(CPACK_DEBIAN_C12S_CONTROL_DESCRIPTION "c12s control plane services (systemd c12s.target)
The services of a c12s micro cloud, each an instance of c12s-service@.service run
as the user c12s with its data in /var/lib/c12s: ${C12S_SERVICES_TEXT}.
c12s.target starts them all, in order.")
endif()

include(CPack)
cpack_add_component(gtype DISPLAY_NAME "gtype toolchain")
if(TARGET c12s)
  cpack_add_component(c12s_common DISPLAY_NAME "c12s command and user")
  cpack_add_component(c12s_daemon DISPLAY_NAME "c12s node daemon" DEPENDS c12s_common)
  cpack_add_component(c12s_control DISPLAY_NAME "c12s control plane" DEPENDS c12s_common)
endif()
