"""Task Lambdas: one package per task, a thin handler over pure logic."""
