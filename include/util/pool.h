/* pool.h — a small fixed-size thread pool for independent blocking work.
 *
 * Discovery makes many independent AWS calls (rules per listener, health per
 * target group, services per cluster …); each is a blocking libcurl call, so
 * a handful of threads run them concurrently.  Tasks may submit further tasks
 * (rules after listeners); pool_wait() returns when the queue is empty and no
 * task is running.  Tasks must do their own locking of shared results.
 */
#ifndef ALBCHECK_UTIL_POOL_H
#define ALBCHECK_UTIL_POOL_H

struct pool;

/* A pool of `threads` workers (1..64).  Never NULL (aborts on failure). */
struct pool *pool_new(int threads);
/* Queue fn(arg); safe to call from a task. */
void pool_submit(struct pool *p, void (*fn)(void *arg), void *arg);
/* Block until every submitted task (and those they submitted) has finished. */
void pool_wait(struct pool *p);
/* Wait, then stop the workers and free the pool.  Accepts NULL. */
void pool_free(struct pool *p);

#endif
