# if __name__ == "__main__": a script runs with the name __main__.
def main():
    print("main() runs")


print("__name__ is", __name__)
if __name__ == "__main__":
    main()
else:
    print("imported, not run")
