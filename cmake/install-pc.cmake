# install-pc.cmake: runs at install time (cmake --install, make install), when
# the prefix is known: one pkg-config file per library with that prefix.
# TDXKIT_PC_DIR and TDXKIT_PC_LIBDIR are set by the install code before it.
file(GLOB _tdxkit_pc_in "${TDXKIT_PC_DIR}/*.pc.in")
set(_tdxkit_pc_out "")
foreach(_in ${_tdxkit_pc_in})
  get_filename_component(_name "${_in}" NAME)
  string(REGEX REPLACE "\\.in$" "" _name "${_name}")
  file(READ "${_in}" _pc)
  string(REPLACE "@TDXKIT_PREFIX@" "${CMAKE_INSTALL_PREFIX}" _pc "${_pc}")
  file(WRITE "${TDXKIT_PC_DIR}/install/${_name}" "${_pc}")
  list(APPEND _tdxkit_pc_out "${TDXKIT_PC_DIR}/install/${_name}")
endforeach()
file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/${TDXKIT_PC_LIBDIR}/pkgconfig" TYPE FILE
     FILES ${_tdxkit_pc_out})
