/* log.c — warnings and -v traces on stderr (see log.h). */
#include "util/log.h"

#include <pthread.h>
#include <stdarg.h>

static int verbosity;
static FILE *stream;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void log_set_verbosity(int level) { verbosity = level; }
int log_verbosity(void) { return verbosity; }
void log_set_stream(FILE *f) { stream = f; }

static void emit(const char *tag, const char *fmt, va_list ap)
{
    FILE *f = stream ? stream : stderr;
    pthread_mutex_lock(&lock);
    fprintf(f, "albcheck: %s", tag);
    vfprintf(f, fmt, ap);
    fputc('\n', f);
    fflush(f);
    pthread_mutex_unlock(&lock);
}

void log_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit("warning: ", fmt, ap);
    va_end(ap);
}

void log_trace(int level, const char *fmt, ...)
{
    if (verbosity < level)
        return;
    va_list ap;
    va_start(ap, fmt);
    emit("", fmt, ap);
    va_end(ap);
}
