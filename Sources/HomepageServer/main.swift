import HTTPCore

print("homepage-server: not wired yet")
