/* Compiled as strict C11 to prove that kolosal_c.h is plain C. */
#include "kolosal_c.h"

int kolosal_header_check_dummy(void);
int kolosal_header_check_dummy(void) { return (int)KOLOSAL_OK; }
