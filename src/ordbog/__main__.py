from ordbog.cli import main

main()
