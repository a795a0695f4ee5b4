from screengraph.cli import main

main()
