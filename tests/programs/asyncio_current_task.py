# asyncio.current_task: the task running now; tasks have names.
import asyncio


async def child():
    me = asyncio.current_task()
    print("child task name:", me.get_name())
    return me


async def main():
    main_task = asyncio.current_task()
    print("main task name:", main_task.get_name())
    t = asyncio.create_task(child(), name="child")
    inner = await t
    print(inner is t, main_task is asyncio.current_task(), main_task is not t)


asyncio.run(main())
