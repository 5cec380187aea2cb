#ifndef EBV_CZLIB_SHIM_H
#define EBV_CZLIB_SHIM_H
#include <zlib.h>
#endif
