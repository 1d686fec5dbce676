/*
 * ex1_keep_the_beat.c — exercise 05.1: keep the heartbeat on time.
 *
 * read_sensor() reads a sensor with blocking_read(), a blocking call like read(2) on a
 * slow device: it holds its thread for the sensor's latency. Called on the loop thread,
 * it holds the *loop*: no other task runs until it returns, and the service's
 * heartbeat, which must tick every 0.1 s, falls silent.
 *
 * Your job: make read_sensor() run blocking_read() on the executor's thread pool with
 * cio_to_thread(), so that only the calling task waits. Store the reading in *value
 * and return 0; if blocking_read() fails, return its error (e.g. -EIO); if the caller
 * is cancelled meanwhile, return -ECANCELED at once.
 *
 * Check with  build/cio-grade check 05.1   (hints: build/cio-grade hint 05.1)
 */
#include <cio.h>

/* ---- Provided by the test: a slow device -------------------------------------------
 * blocking_read  blocks its thread for the sensor's latency (with cio_block_for), then
 *                returns a reading >= 0, or -EIO for a broken sensor.
 */
struct sensor;
int blocking_read(struct sensor *s);

int read_sensor(struct sensor *s, int *value)
{
    /* TODO: this blocks the loop thread. Run it with cio_to_thread() instead: that needs
     * a function `int job(void *arg)` to run on the worker, and a way to get the
     * reading back (look at what cio_to_thread() returns). */
    int rc = blocking_read(s);
    if (rc < 0) return rc;
    *value = rc;
    return 0;
}
