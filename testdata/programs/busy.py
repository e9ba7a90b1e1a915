# No socket calls at all: a little arithmetic, for the tracer's overhead
# benchmark (a program that makes no socket call should not feel traced).
total = 0
for i in range(2_000_000):
    total += i * i % 7
print(total)
