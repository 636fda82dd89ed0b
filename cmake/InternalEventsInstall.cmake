# What `cmake --install` puts under the prefix:
#   bin/internal-events                                  the command (when INTERNAL_EVENTS_BUILD_TOOL)
#   lib/libinternal_events_{core,native}.a               the libraries
#   include/internal-events/{core,native}/…              their headers, included as "core/…", "native/…"
#   lib/cmake/InternalEvents/                            find_package(InternalEvents CONFIG)
#   lib/pkgconfig/internal-events.pc                     pkg-config --cflags --libs internal-events
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(internal_events_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/InternalEvents)
set(internal_events_include_dir ${CMAKE_INSTALL_INCLUDEDIR}/internal-events)

install(TARGETS ie_core ie_native EXPORT InternalEventsTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
if(TARGET internal-events)
  install(TARGETS internal-events RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

# The public headers: all of core, and of native what the backend API (tracker.hpp,
# definitions_loader.hpp, metric_reader.hpp) includes. The receiver's http/ and the cli/ stay
# inside the tool.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/core/ DESTINATION ${internal_events_include_dir}/core
        FILES_MATCHING PATTERN "*.hpp")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/native/ DESTINATION ${internal_events_include_dir}/native
        FILES_MATCHING PATTERN "*.hpp"
        PATTERN "cli" EXCLUDE PATTERN "http" EXCLUDE PATTERN "examples" EXCLUDE)

install(EXPORT InternalEventsTargets NAMESPACE InternalEvents::
        FILE InternalEventsTargets.cmake DESTINATION ${internal_events_cmake_dir})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/InternalEventsConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/InternalEventsConfig.cmake
                              INSTALL_DESTINATION ${internal_events_cmake_dir})
# 0.x: a minor version may change the API, so only the same minor is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/InternalEventsConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/InternalEventsConfig.cmake
              ${PROJECT_BINARY_DIR}/InternalEventsConfigVersion.cmake
        DESTINATION ${internal_events_cmake_dir})

file(RELATIVE_PATH pc_dir_to_prefix /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(${CMAKE_CURRENT_LIST_DIR}/internal-events.pc.in ${PROJECT_BINARY_DIR}/internal-events.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/internal-events.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
